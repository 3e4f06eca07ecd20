package io.swmrfacade.cli;

import io.swmrfacade.client.SessionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The session a dead letter is replayed in: one per dead letter, always the same one, so a
 * second {@code sf dead-letters replay} of the same id resumes that session, finds the task the
 * first one submitted, and does not submit it again. A UUIDv7 whose time is the dead letter's own
 * (a resumed session reads its journal and results from that time on) and whose other bits are a
 * hash of the installation's topic prefix and the dead letter's id.
 */
final class DeadLetterSession {

    private DeadLetterSession() {
    }

    static SessionId of(String topicPrefix, DeadLetterId id, long atMicros) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256")
                    .digest(("swmr-facade dead letter replay|" + topicPrefix + "|" + id).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        ByteBuffer h = ByteBuffer.wrap(hash);
        long millis = Math.max(0, atMicros / 1000) & 0xFFFF_FFFF_FFFFL;
        long hi = (millis << 16) | 0x7000L | (h.getShort() & 0x0FFFL);
        long lo = (h.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new SessionId(new java.util.UUID(hi, lo).toString());
    }
}
