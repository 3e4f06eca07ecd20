package io.swmrfacade.monitor;

/** One dead letter: where the record came from, who refused it and why. */
public record DeadLetterView(long atUs, String sourceTopic, int sourcePartition, long sourceOffset,
                             String taskId, String workerId, String reason) {
}
