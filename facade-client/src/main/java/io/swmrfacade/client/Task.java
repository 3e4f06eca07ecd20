package io.swmrfacade.client;

import io.swmrfacade.topology.TaskLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A task to submit: a type (a handler name on the writer nodes), a payload, and options.
 *
 * <p>Checked when made, so a task that could never be delivered is refused before anything is
 * sent: the payload holds at most {@link TaskLimits#MAX_PAYLOAD_BYTES} (16 MiB), the routing key
 * at most {@link TaskLimits#MAX_ROUTING_KEY_CHARS} characters; otherwise
 * {@link IllegalArgumentException} names the limit.
 *
 * @param deadline     the task EXPIREs if no worker starts it by then; null for none
 * @param maxAttempts  how often workers may die on it before it is WORKER_CRASHED; 0 for the node default
 * @param priority     a hint: larger runs sooner among waiting tasks
 * @param routingKey   tasks with the same key run in order, on one partition; empty spreads tasks out
 * @param retries      how often a FAILED run is retried, with {@code retryBackoff} doubling each time; 0 for none
 */
public record Task(String type, byte[] payload, Instant deadline, int maxAttempts, int priority, String routingKey,
                   int retries, java.time.Duration retryBackoff) {

    public Task {
        Objects.requireNonNull(type, "type");
        if (!isTypeName(type)) {
            throw new IllegalArgumentException("task type '" + type + "' must be 1-32 of a-z 0-9 _ . -");
        }
        payload = payload == null ? new byte[0] : payload;
        routingKey = routingKey == null ? "" : routingKey;
        String tooLarge = TaskLimits.payloadRejection(payload.length);
        if (tooLarge != null) {
            throw new IllegalArgumentException("task of type '" + type + "': " + tooLarge);
        }
        if (routingKey.length() > TaskLimits.MAX_ROUTING_KEY_CHARS) {
            throw new IllegalArgumentException("routing key of " + routingKey.length() + " characters is over the limit of "
                    + TaskLimits.MAX_ROUTING_KEY_CHARS + " (TaskLimits.MAX_ROUTING_KEY_CHARS)");
        }
        retryBackoff = retryBackoff == null ? java.time.Duration.ZERO : retryBackoff;
        if (retries < 0 || retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retries and retryBackoff must not be negative: " + retries + ", " + retryBackoff);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0, not " + maxAttempts);
        }
    }

    /**
     * 1-32 of a-z 0-9 _ . -, checked by hand: a task is made per submit, and {@code String.matches}
     * compiled a regular expression each time.
     */
    private static boolean isTypeName(String type) {
        if (type.isEmpty() || type.length() > 32) {
            return false;
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static Task of(String type, byte[] payload) {
        return new Task(type, payload, null, 0, 0, "", 0, null);
    }

    public static Task of(String type, String payload) {
        return of(type, payload.getBytes(StandardCharsets.UTF_8));
    }

    public Task withDeadline(Instant at) {
        return new Task(type, payload, at, maxAttempts, priority, routingKey, retries, retryBackoff);
    }

    public Task withMaxAttempts(int n) {
        return new Task(type, payload, deadline, n, priority, routingKey, retries, retryBackoff);
    }

    public Task withPriority(int p) {
        return new Task(type, payload, deadline, maxAttempts, p, routingKey, retries, retryBackoff);
    }

    public Task withRoutingKey(String key) {
        return new Task(type, payload, deadline, maxAttempts, priority, key, retries, retryBackoff);
    }

    /** Retry a FAILED run up to {@code n} times, waiting {@code backoff}, then twice that, and so on (at most 60 s). */
    public Task withRetries(int n, java.time.Duration backoff) {
        return new Task(type, payload, deadline, maxAttempts, priority, routingKey, n, backoff);
    }
}
