package io.swmrfacade.coordinator;

import java.util.Map;

/** A writer node as seen through its heartbeats. */
public record WorkerState(String workerId, String host, long pid, String file, boolean alive, boolean stopped,
                          long lastSeenMsAgo, int running, Map<String, Integer> runningByType, long tasksDone) {
}
