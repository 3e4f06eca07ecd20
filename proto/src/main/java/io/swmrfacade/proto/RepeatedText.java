package io.swmrfacade.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A string field that mostly repeats from one record to the next (a session, a task type, a
 * node, a file), read off the wire ({@link WireRecord#text}): its bytes are compared where they
 * lie with the last value's, and decoded only when they differ. The same value read again is the
 * same {@code String} instance, so those who keep it hold it once.
 *
 * <p>As a generated parser reads a {@code string} field, bytes that are not UTF-8 are an
 * {@link InvalidProtocolBufferException}.
 *
 * <p>Not thread-safe: one per field of one decoder.
 */
public final class RepeatedText {

    private String last = "";
    private byte[] lastUtf8 = new byte[0];

    /** The string whose UTF-8 bytes lie in {@code record} at {@code at}. */
    String at(byte[] record, int at, int length) throws InvalidProtocolBufferException {
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
