package io.swmrfacade.coordinator;

import java.util.Map;

/** Counts over every task and worker the coordinator has seen. */
public record Summary(long tasks, Map<String, Long> byState, int workersAlive, int workersDead, long deadLetters) {
}
