package io.swmrfacade.swmr;

/**
 * One row of {@code /sf/tasks}: what happened to one task, and where its output is.
 *
 * @param status          the protobuf {@code TaskStatus} number
 * @param kafkaPartition  partition of sf.tasks the task was read from (-1 if none)
 * @param kafkaOffset     offset in that partition: with the partition, what this row applied
 * @param outputOffset    start of the output (or error text) in {@code /sf/heap}
 * @param streamIndex     index into {@code /sf/streams} of the stream appended to, or -1
 * @param streamStart     first sample index appended by the task
 */
public record TaskRow(
        String taskId,
        String sessionId,
        long sequence,
        String type,
        int status,
        int attempts,
        int kafkaPartition,
        long kafkaOffset,
        long submittedUs,
        long startedUs,
        long finishedUs,
        long outputOffset,
        long outputLength,
        int streamIndex,
        long streamStart,
        long streamCount) {
}
