package io.swmrfacade.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.Heartbeat;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.topology.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The table of tasks and workers, folded from the events, results, heartbeats and dead-letter
 * topics. The topics are the truth: a restarted coordinator rebuilds the same table, and
 * anyone else who folds the same topics (a monitor on another host) gets it too.
 *
 * <p>Thread-safe (one writer thread, readers from the HTTP server).
 */
public final class StateTable {

    private final Topics topics;
    private final Clock clock;
    private final long workerTimeoutMs;
    private final Map<String, TaskState> tasks = new HashMap<>();
    private final Map<String, Heartbeat> workers = new TreeMap<>();
    private long deadLetters;
    private long malformed;

    public StateTable(Topics topics, Clock clock, long workerTimeoutMs) {
        this.topics = topics;
        this.clock = clock;
        this.workerTimeoutMs = workerTimeoutMs;
    }

    /** The topics {@link #apply} folds, besides whatever else the caller follows. */
    public List<String> sources() {
        return List.of(topics.events(), topics.results(), topics.heartbeats(), topics.deadLetter());
    }

    /** Folds one record of {@link #sources()}; others and malformed ones are counted and ignored. Never throws. */
    public synchronized void apply(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().equals(topics.events())) {
                TaskEvent e = TaskEvent.parseFrom(r.value());
                TaskState before = tasks.get(e.getTaskId());
                boolean finished = before != null && !before.state().equals("SUBMITTED") && !before.state().equals("RUNNING");
                if (!finished) {
                    String state = e.getKind() == TaskEvent.Kind.STARTED ? "RUNNING" : "SUBMITTED";
                    tasks.put(e.getTaskId(), new TaskState(e.getTaskId(), e.getSessionId(), e.getType(), state, e.getWorkerId(), "", -1));
                }
            } else if (r.topic().equals(topics.results())) {
                TaskResult res = TaskResult.parseFrom(r.value());
                tasks.put(res.getTaskId(), new TaskState(res.getTaskId(), res.getSessionId(), res.getType(),
                        res.getStatus().name(), res.getWorkerId(), res.getFile(), res.getRow()));
            } else if (r.topic().equals(topics.heartbeats())) {
                Heartbeat hb = Heartbeat.parseFrom(r.value());
                workers.put(hb.getWorkerId(), hb);
            } else if (r.topic().equals(topics.deadLetter())) {
                deadLetters++;
            }
        } catch (InvalidProtocolBufferException e) {
            malformed++;
        }
    }

    public synchronized TaskState task(String id) {
        return tasks.get(id);
    }

    public synchronized List<WorkerState> workers() {
        long nowUs = clock.millis() * 1000;
        List<WorkerState> out = new ArrayList<>();
        for (Heartbeat hb : workers.values()) {
            long agoMs = Math.max(0, (nowUs - hb.getAtUs()) / 1000);
            out.add(new WorkerState(hb.getWorkerId(), hb.getHost(), hb.getPid(), hb.getFile(),
                    !hb.getStopping() && agoMs <= workerTimeoutMs, hb.getStopping(), agoMs, hb.getRunning(),
                    hb.getRunningByTypeMap(), hb.getTasksDone()));
        }
        return out;
    }

    public synchronized Summary summary() {
        Map<String, Long> byState = new TreeMap<>();
        tasks.values().forEach(t -> byState.merge(t.state(), 1L, Long::sum));
        List<WorkerState> ws = workers();
        int alive = (int) ws.stream().filter(WorkerState::alive).count();
        return new Summary(tasks.size(), byState, alive, ws.size() - alive, deadLetters);
    }

    public synchronized long malformed() {
        return malformed;
    }
}
