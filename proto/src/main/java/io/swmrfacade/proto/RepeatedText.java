package io.swmrfacade.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A string field that mostly repeats from one record to the next (a session, a task type, a
 * node, a file), read by a decoder that walks the wire itself: the field is compared as bytes
 * where it lies in the record, and decoded only when it differs from the last one read. The
 * same value read again is the same {@code String} instance, so those who keep it hold it once.
 *
 * <p>As a generated parser reads a {@code string} field: bytes that are not UTF-8 are an
 * {@link InvalidProtocolBufferException}, and so is a length past the end of the record.
 *
 * <p>Not thread-safe: one per field of one decoder.
 */
public final class RepeatedText {

    private static final byte[] NONE = new byte[0];

    private String last = "";
    private byte[] lastUtf8 = NONE;

    /**
     * Reads the field whose tag {@code in} has just read.
     *
     * @param in     a stream over {@code record} from {@code start}, as {@code CodedInputStream.newInstance(record, start, length)} makes
     * @param record the array the record lies in
     * @param start  where the stream starts in {@code record}
     */
    public String read(CodedInputStream in, byte[] record, int start) throws IOException {
        int length = in.readRawVarint32();
        int at = start + in.getTotalBytesRead();
        in.skipRawBytes(length); // checks the length against the record before it is compared
        if (!Arrays.equals(record, at, at + length, lastUtf8, 0, lastUtf8.length)) {
            last = decode(record, at, length);
            lastUtf8 = Arrays.copyOfRange(record, at, at + length);
        }
        return last;
    }

    private static String decode(byte[] record, int at, int length) throws InvalidProtocolBufferException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(record, at, length)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidProtocolBufferException("a string field is not UTF-8: " + e);
        }
    }
}
