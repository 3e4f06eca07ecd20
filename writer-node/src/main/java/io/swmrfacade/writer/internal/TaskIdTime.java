package io.swmrfacade.writer.internal;

/**
 * What a task id says about itself. The protocol's task ids are UUIDv7 in text form, whose first
 * 48 bits are the milliseconds since the epoch at which the client made them; other clients may
 * send other ids, which carry no time. Thread-safe (stateless).
 */
final class TaskIdTime {

    private TaskIdTime() {
    }

    /** The time a UUIDv7 task id carries, in ms since the epoch, or -1 if {@code id} is not a UUIDv7. */
    static long millis(String id) {
        if (id.length() != 36 || id.charAt(8) != '-' || id.charAt(13) != '-' || id.charAt(18) != '-' || id.charAt(23) != '-'
                || id.charAt(14) != '7' || "89abAB".indexOf(id.charAt(19)) < 0) {
            return -1;
        }
        long ms = 0;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            int digit = Character.digit(id.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            if (i < 13) {
                ms = (ms << 4) | digit;
            }
        }
        return ms;
    }

    /** A 64-bit hash of {@code id} (FNV-1a, then mixed): equal ids, equal fingerprints; rarely otherwise. */
    static long fingerprint(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
