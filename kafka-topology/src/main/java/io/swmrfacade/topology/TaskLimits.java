package io.swmrfacade.topology;

/**
 * The one size limit of a task, shared by every role: the facade refuses a larger task at
 * submit, before anything is sent; writer nodes reject one that arrives anyway (from another
 * client); and the topics that carry a task or its result ({@link TopicSpec#forInstallation})
 * and the clients that write and read them are sized so that a task at the limit goes through.
 *
 * <p>A record holds more than its payload: ids, type, routing key, and for a result or a dead
 * letter the envelope around the original bytes. {@link #MAX_RECORD_BYTES} leaves room for that.
 */
public final class TaskLimits {

    /** The largest task payload, in bytes: 16 MiB (an append of 4 million float32 samples). */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    /** The longest routing key, in characters; with it a record stays within {@link #MAX_RECORD_BYTES}. */
    public static final int MAX_ROUTING_KEY_CHARS = 1024;

    /**
     * The largest record on the tasks, results and dead-letter topics: the payload limit plus
     * 64 KiB for the rest of the record and its batch. Topics get it as {@code max.message.bytes},
     * producers as {@code max.request.size}, consumers as {@code max.partition.fetch.bytes}.
     */
    public static final int MAX_RECORD_BYTES = MAX_PAYLOAD_BYTES + 64 * 1024;

    private TaskLimits() {
    }

    /** Why a payload of {@code bytes} is too large, naming the limit; null when it fits. */
    public static String payloadRejection(long bytes) {
        if (bytes <= MAX_PAYLOAD_BYTES) {
            return null;
        }
        return "payload of " + bytes + " bytes is over the limit of " + MAX_PAYLOAD_BYTES
                + " bytes (16 MiB, TaskLimits.MAX_PAYLOAD_BYTES)";
    }
}
