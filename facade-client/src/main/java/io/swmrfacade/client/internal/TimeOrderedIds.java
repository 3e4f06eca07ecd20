package io.swmrfacade.client.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids made in
 * the same millisecond in order, then 62 random bits. Ids from one process are strictly
 * increasing, so sorting by id is sorting by submission. Made as text ({@link #next}) or as its
 * two halves ({@link #nextHigh}, {@link #randomLow}), and read back from canonical text.
 */
public final class TimeOrderedIds {

    private static long lastMillis;
    private static int counter;

    private TimeOrderedIds() {
    }

    public static String next() {
        return format(nextHigh(), randomLow());
    }

    /** The high 64 bits of a new id: its milliseconds, version and counter. Thread-safe. */
    public static long nextHigh() {
        long ms;
        int seq;
        synchronized (TimeOrderedIds.class) {
            long now = System.currentTimeMillis();
            if (now > lastMillis) {
                lastMillis = now;
                counter = 0;
            } else if (++counter > 0xFFF) {
                lastMillis++; // more than 4096 ids in one millisecond: borrow the next one
                counter = 0;
            }
            ms = lastMillis;
            seq = counter;
        }
        return (ms << 16) | 0x7000L | seq;
    }

    /** The low 64 bits of a new id: its variant and 62 random bits. */
    public static long randomLow() {
        return (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** A UUID's canonical text (lowercase). Hand-rolled: String.format costs microseconds. */
    public static String format(long hi, long lo) {
        byte[] c = new byte[36];
        hex(hi >>> 32, c, 0, 8);
        c[8] = '-';
        hex(hi >>> 16, c, 9, 4);
        c[13] = '-';
        hex(hi, c, 14, 4);
        c[18] = '-';
        hex(lo >>> 48, c, 19, 4);
        c[23] = '-';
        hex(lo, c, 24, 12);
        return new String(c, StandardCharsets.US_ASCII);
    }

    /** Writes the low {@code digits} hex digits of {@code v} into {@code c} at {@code at}. */
    private static void hex(long v, byte[] c, int at, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            c[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    /** Whether {@code id} is a UUID (any version) in canonical lowercase form: 8-4-4-4-12 hex digits. */
    public static boolean isCanonical(String id) {
        if (id.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The high 64 bits of a canonical UUID ({@link #isCanonical}). */
    public static long high(String id) {
        return (bits(id, 0, 8) << 32) | (bits(id, 9, 13) << 16) | bits(id, 14, 18);
    }

    /** The low 64 bits of a canonical UUID ({@link #isCanonical}). */
    public static long low(String id) {
        return (bits(id, 19, 23) << 48) | bits(id, 24, 36);
    }

    private static long bits(String id, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = id.charAt(i);
            v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return v;
    }

    /** Whether {@code id} is a UUIDv7 in canonical lowercase form (version 7, RFC 9562 variant). */
    public static boolean isValid(String id) {
        return id != null && isCanonical(id) && id.charAt(14) == '7' && "89ab".indexOf(id.charAt(19)) >= 0;
    }

    public static Instant instantOf(String id) {
        String hex = id.substring(0, 8) + id.substring(9, 13);
        return Instant.ofEpochMilli(Long.parseLong(hex, 16));
    }
}
