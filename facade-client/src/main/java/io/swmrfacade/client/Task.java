package io.swmrfacade.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A task to submit: a type (a handler name on the writer nodes), a payload, and options.
 *
 * @param deadline     the task EXPIREs if no worker starts it by then; null for none
 * @param maxAttempts  how often workers may die on it before it is WORKER_CRASHED; 0 for the node default
 * @param priority     a hint: larger runs sooner among waiting tasks
 * @param routingKey   tasks with the same key run in order, on one partition; empty spreads tasks out
 */
public record Task(String type, byte[] payload, Instant deadline, int maxAttempts, int priority, String routingKey) {

    public Task {
        Objects.requireNonNull(type, "type");
        if (!type.matches("[a-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("task type '" + type + "' must be 1-32 of a-z 0-9 _ . -");
        }
        payload = payload == null ? new byte[0] : payload;
        routingKey = routingKey == null ? "" : routingKey;
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0, not " + maxAttempts);
        }
    }

    public static Task of(String type, byte[] payload) {
        return new Task(type, payload, null, 0, 0, "");
    }

    public static Task of(String type, String payload) {
        return of(type, payload.getBytes(StandardCharsets.UTF_8));
    }

    public Task withDeadline(Instant at) {
        return new Task(type, payload, at, maxAttempts, priority, routingKey);
    }

    public Task withMaxAttempts(int n) {
        return new Task(type, payload, deadline, n, priority, routingKey);
    }

    public Task withPriority(int p) {
        return new Task(type, payload, deadline, maxAttempts, p, routingKey);
    }

    public Task withRoutingKey(String key) {
        return new Task(type, payload, deadline, maxAttempts, priority, key);
    }
}
