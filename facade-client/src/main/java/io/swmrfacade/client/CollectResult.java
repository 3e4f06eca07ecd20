package io.swmrfacade.client;

import java.util.List;

/**
 * What {@link TaskFacade#collect} found: one result per task of the session that has one, in
 * submission order, and the ids of the tasks still without one when the timeout came.
 *
 * @param sessionKnown false while a resumed facade has not yet read its session's journal to the
 *     end: tasks submitted before the resume may then be neither in {@code results} nor in
 *     {@code missing} yet
 */
public record CollectResult(List<TaskResult> results, List<TaskId> missing, boolean sessionKnown) {

    public CollectResult {
        results = List.copyOf(results);
        missing = List.copyOf(missing);
    }

    /** True when every task of the session is known and has its result. */
    public boolean complete() {
        return sessionKnown && missing.isEmpty();
    }

    /** True when every task has a result and all are OK. */
    public boolean allSucceeded() {
        return complete() && results.stream().allMatch(r -> r.status().succeeded());
    }
}
