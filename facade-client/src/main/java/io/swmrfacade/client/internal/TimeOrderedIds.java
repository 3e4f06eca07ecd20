package io.swmrfacade.client.internal;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * UUIDv7 (RFC 9562) in text form: 48 bits of Unix milliseconds, then a 12-bit counter that keeps
 * ids made in the same millisecond in order, then 62 random bits. Ids from one process are
 * strictly increasing, so sorting by id is sorting by submission.
 */
public final class TimeOrderedIds {

    private static final Pattern UUID7 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static long lastMillis;
    private static int counter;

    private TimeOrderedIds() {
    }

    public static String next() {
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
        long hi = (ms << 16) | 0x7000L | seq;
        long lo = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return format(hi, lo);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Hand-rolled: String.format costs microseconds, and this runs inside every submit. */
    private static String format(long hi, long lo) {
        char[] c = new char[36];
        hex(hi >>> 32, c, 0, 8);
        c[8] = '-';
        hex(hi >>> 16, c, 9, 4);
        c[13] = '-';
        hex(hi, c, 14, 4);
        c[18] = '-';
        hex(lo >>> 48, c, 19, 4);
        c[23] = '-';
        hex(lo, c, 24, 12);
        return new String(c);
    }

    /** Writes the low {@code digits} hex digits of {@code v} into {@code c} at {@code at}. */
    private static void hex(long v, char[] c, int at, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            c[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    public static boolean isValid(String id) {
        return id != null && UUID7.matcher(id).matches();
    }

    public static Instant instantOf(String id) {
        String hex = id.substring(0, 8) + id.substring(9, 13);
        return Instant.ofEpochMilli(Long.parseLong(hex, 16));
    }
}
