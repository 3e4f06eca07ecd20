package io.swmrfacade.writer.internal;

import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import java.util.HashMap;
import java.util.Map;

/**
 * Every task this node's file holds, by task id: the file, not Kafka, is the record of what was
 * applied. A task that arrives again (a replay after a crash between the file flush and the Kafka
 * commit, or a client that resent it) is answered from here and never run or stored twice.
 *
 * <p>Owned by the task loop thread; not thread-safe.
 */
final class AppliedIndex {

    record Applied(SwmrWriter.RowLocation location, TaskRow row) {
    }

    private final Map<String, Applied> byTaskId = new HashMap<>();

    static AppliedIndex load(SwmrWriter writer) {
        AppliedIndex index = new AppliedIndex();
        writer.scanRows((location, row) -> index.byTaskId.put(row.taskId(), new Applied(location, row)));
        return index;
    }

    Applied get(String taskId) {
        return byTaskId.get(taskId);
    }

    void put(SwmrWriter.RowLocation location, TaskRow row) {
        byTaskId.put(row.taskId(), new Applied(location, row));
    }

    int size() {
        return byTaskId.size();
    }
}
