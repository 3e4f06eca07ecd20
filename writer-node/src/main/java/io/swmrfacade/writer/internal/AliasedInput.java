package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;

/** Protobuf input whose bytes fields are views of the array, not copies. */
final class AliasedInput {

    private AliasedInput() {
    }

    /**
     * Input over {@code bytes}, which nothing may change afterwards. A wrapped array counts as
     * immutable, which aliasing needs: {@code CodedInputStream.newInstance(byte[])} copies.
     */
    static CodedInputStream of(byte[] bytes) {
        return of(UnsafeByteOperations.unsafeWrap(bytes));
    }

    /** Input over {@code bytes}, whose own bytes fields come out as views of it. */
    static CodedInputStream of(ByteString bytes) {
        CodedInputStream in = bytes.newCodedInput(); // a wrapped or parsed ByteString counts as immutable
        in.enableAliasing(true);
        return in;
    }
}
