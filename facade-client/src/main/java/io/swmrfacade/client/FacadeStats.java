package io.swmrfacade.client;

/**
 * A snapshot of a facade's counters, for monitoring and tests; cheap to take, any thread.
 *
 * @param buffered          tasks submitted but not yet confirmed by the broker (what the buffer bounds count)
 * @param tasks             tasks the session knows: submitted here, found in its journal, or seen in a result
 * @param withoutResult     of those, the ones still waiting for their result
 * @param duplicatesDropped results that arrived for a task that already had one, and were not shown again
 */
public record FacadeStats(int buffered, int tasks, int withoutResult, long duplicatesDropped) {
}
