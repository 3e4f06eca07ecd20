package io.swmrfacade.coordinator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts over every task and worker the coordinator has seen.
 *
 * @param tasks          every task the topics named, once each
 * @param byState        those tasks by state: SUBMITTED, RUNNING, or their result's status
 * @param tasksHeld      tasks the table holds one by one (and so can answer for): every open one and the latest finished
 * @param tasksForgotten finished tasks still counted in {@code tasks} and {@code byState} but no longer held
 * @param malformed      records on the events, results and heartbeats topics that did not parse or named no task
 */
public record Summary(long tasks, Map<String, Long> byState, int workersAlive, int workersDead, long deadLetters,
                      long tasksHeld, long tasksForgotten, long malformed) {

    public Summary {
        byState = Collections.unmodifiableMap(new TreeMap<>(byState));
    }
}
