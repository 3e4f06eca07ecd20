package io.swmrfacade.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One record read off the wire by a decoder that walks it itself rather than through a generated
 * parser (the facade's result reader, the coordinator's table): the bytes, where they lie, and
 * the walk of a record of {@code sf.results}, one result or packed ones (docs/PROTOCOL.md §6).
 * Fields are read where they lie in the consumer's fetch buffer; a value with no array behind it
 * is copied once.
 *
 * <p>As a generated parser reads: unknown fields and fields of another wire type are skipped, a
 * field given twice keeps its last value, a truncated record or a string that is not UTF-8 is an
 * {@link InvalidProtocolBufferException}. Unlike it, the results of a packed record are handed on
 * one by one as they are read, so those before a fault in the record were handed on already.
 *
 * <p>Not thread-safe: one per decoder, reused record after record.
 */
public final class WireRecord {

    /** What a decoder reads of each result of a result record. */
    public interface ResultFields {
        /** A result begins: every field back to its default. */
        void clear();

        /** Reads the field {@code tag} names, or skips it ({@code in.skipField}); false at an end-group tag. */
        boolean field(CodedInputStream in, int tag) throws IOException;

        /** The result's fields have all been read. */
        void result();
    }

    private static final int ENTRY = tag(io.swmrfacade.proto.v1.TaskResult.RESULTS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private byte[] array;
    /** Where the stream in use starts in {@link #array}, and where the record ends. */
    private int start;
    private int end;

    /** The tag of field {@code field} of wire type {@code wireType}, as {@code CodedInputStream.readTag} returns it. */
    public static int tag(int field, int wireType) {
        return field << 3 | wireType; // WireFormat.makeTag, which is not public
    }

    /** A stream over {@code value}'s bytes, which this record now is, until {@link #release}. */
    public CodedInputStream open(ByteBuffer value) {
        if (value.hasArray()) {
            array = value.array();
            start = value.arrayOffset() + value.position();
        } else {
            array = new byte[value.remaining()];
            value.duplicate().get(array);
            start = 0;
        }
        end = start + value.remaining();
        return CodedInputStream.newInstance(array, start, end - start);
    }

    /** A stream over the rest of the record from {@code offset} (a position of the stream in use). */
    public CodedInputStream from(int offset) {
        start += offset;
        return CodedInputStream.newInstance(array, start, end - start);
    }

    /** Done with the record: the consumer's fetch buffer is not held past it. */
    public void release() {
        array = null;
    }

    /** Reads a length-delimited field whose tag {@code in} has just read, and says whether its bytes are {@code expected}. */
    public boolean bytesEqual(CodedInputStream in, byte[] expected) throws IOException {
        int length = in.readRawVarint32();
        int at = start + in.getTotalBytesRead();
        in.skipRawBytes(length); // checks the length against the record before it is compared
        return Arrays.equals(array, at, at + length, expected, 0, expected.length);
    }

    /** Reads a string field whose tag {@code in} has just read, through {@code text}'s memory of the last one. */
    public String text(RepeatedText text, CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        int at = start + in.getTotalBytesRead();
        in.skipRawBytes(length);
        return text.at(array, at, length);
    }

    /**
     * Reads a record of the results topic into {@code fields}: each entry of a packed record in
     * order, or else the record itself, and releases it.
     *
     * @throws InvalidProtocolBufferException if the bytes are not a well-formed result record
     */
    public void readResults(ByteBuffer value, ResultFields fields) throws InvalidProtocolBufferException {
        CodedInputStream in = open(value);
        try {
            fields.clear();
            boolean packed = false;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == ENTRY) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    fields.clear();
                    for (int t = in.readTag(); t != 0 && fields.field(in, t); t = in.readTag()) {
                        // the entry's fields, up to its end
                    }
                    in.checkLastTagWas(0);
                    in.popLimit(limit);
                    packed = true;
                    fields.result();
                } else if (!fields.field(in, tag)) {
                    break;
                }
            }
            in.checkLastTagWas(0);
            if (!packed) {
                fields.result();
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        } finally {
            release();
        }
    }
}
