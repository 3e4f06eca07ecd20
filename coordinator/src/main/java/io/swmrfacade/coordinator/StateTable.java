package io.swmrfacade.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.coordinator.internal.TaskFields;
import io.swmrfacade.proto.v1.Heartbeat;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.topology.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * The table of tasks and workers, folded from the events, results, heartbeats and dead-letter
 * topics. The topics are the truth: a restarted coordinator rebuilds the same table, and
 * anyone else who folds the same topics (a monitor on another host) gets it too.
 *
 * <p>Counts are exact and kept as records are folded, so {@link #summary()} costs the same at any
 * size. Memory is bounded by what is open: every task still SUBMITTED or RUNNING is held, but of
 * the finished ones only the latest {@code finishedKept} are (those whose journal entry has been
 * seen, and separately as many whose entry has not arrived yet, so that a late SUBMITTED finds its
 * result and does not count the task again). A finished task beyond that is counted in
 * {@link Summary#tasksForgotten()} and {@link #task} no longer knows it.
 *
 * <p>A result is final: a SUBMITTED or STARTED event that arrives after it changes nothing. Only
 * a journal entry that arrives after its task's result has left the table (more than
 * {@code finishedKept} results later) counts the task a second time, as SUBMITTED.
 *
 * <p>Thread-safe (one writer thread, readers from the HTTP server).
 */
public final class StateTable {

    /** How many finished tasks are held by default: about 20 MB of heap. */
    public static final int DEFAULT_FINISHED_KEPT = 100_000;

    // Topics builds each name when asked: held once, compared per record
    private final String events;
    private final String results;
    private final String heartbeats;
    private final String deadLetter;
    private final Clock clock;
    private final long workerTimeoutMs;
    private final int finishedKept;
    private final Map<String, Task> tasks = new HashMap<>();
    /** The latest finished tasks whose journal entry was seen before their result, oldest overwritten first. */
    private final Ring journaled;
    /** The latest finished tasks whose journal entry had not been seen when their result came. */
    private final Ring orphans;
    private final long[] counts = new long[States.COUNT];
    private final Map<String, Heartbeat> workers = new TreeMap<>();
    private final Interner interned = new Interner();
    private final TaskFields fields = new TaskFields();
    private final TaskFields.Entries batchEntry = this::batchEntry;
    private final TaskFields.Results finished = this::finished;
    private long forgotten;
    private long deadLetters;
    private long malformed;

    public StateTable(Topics topics, Clock clock, long workerTimeoutMs) {
        this(topics, clock, workerTimeoutMs, DEFAULT_FINISHED_KEPT);
    }

    /**
     * @param finishedKept how many finished tasks {@link #task} still answers for (twice as many at
     *                     most are held, see the class comment); 0 keeps none
     * @throws IllegalArgumentException if {@code finishedKept} is negative
     */
    public StateTable(Topics topics, Clock clock, long workerTimeoutMs, int finishedKept) {
        if (finishedKept < 0) {
            throw new IllegalArgumentException("finishedKept must be at least 0, not " + finishedKept);
        }
        this.events = topics.events();
        this.results = topics.results();
        this.heartbeats = topics.heartbeats();
        this.deadLetter = topics.deadLetter();
        this.clock = clock;
        this.workerTimeoutMs = workerTimeoutMs;
        this.finishedKept = finishedKept;
        this.journaled = new Ring(finishedKept);
        this.orphans = new Ring(finishedKept);
    }

    /** The topics {@link #apply} folds, besides whatever else the caller follows. */
    public List<String> sources() {
        return List.of(events, results, heartbeats, deadLetter);
    }

    /**
     * Folds one record of {@link #sources()}; others are ignored, malformed ones counted
     * ({@link #malformed()}) and ignored, as are events of kinds the table does not use
     * (COMPLETED and DEAD_LETTERED: the results and dead-letter topics tell those). Never throws.
     * The value may be a view of the consumer's fetch buffer ({@code ByteBufferDeserializer}):
     * the table copies out what it keeps and holds nothing of it.
     */
    public synchronized void apply(ConsumerRecord<?, ByteBuffer> r) {
        String topic = r.topic();
        if (topic.equals(deadLetter)) {
            deadLetters++;
            return;
        }
        boolean results = topic.equals(this.results);
        boolean events = !results && topic.equals(this.events);
        boolean heartbeat = !results && !events && topic.equals(heartbeats);
        if (!results && !events && !heartbeat) {
            return;
        }
        try {
            if (r.value() == null) { // a tombstone: no client or writer writes one here
                malformed++;
            } else if (results) {
                fields.readResults(r.value(), finished);
            } else if (events) {
                fields.readEvent(r.value(), batchEntry);
                event(fields);
            } else {
                Heartbeat hb = Heartbeat.parseFrom(r.value());
                workers.put(hb.getWorkerId(), hb);
            }
        } catch (InvalidProtocolBufferException e) {
            malformed++;
        }
    }

    /**
     * Folds one poll's records: the events first, then the rest, so that a task journaled and
     * finished within one poll is folded in that order whatever order the fetches brought them in.
     */
    public synchronized void applyAll(ConsumerRecords<?, ByteBuffer> records) {
        for (ConsumerRecord<?, ByteBuffer> r : records.records(events)) {
            apply(r);
        }
        for (ConsumerRecord<?, ByteBuffer> r : records) {
            if (!r.topic().equals(events)) {
                apply(r);
            }
        }
    }

    /** A SUBMITTED or STARTED event; a batch's entries have been opened by {@link #batchEntry} already. */
    private void event(TaskFields e) {
        if (e.code() == TaskEvent.Kind.SUBMITTED_VALUE) {
            open(e.taskId(), e.sessionId(), e.type(), true, "");
        } else if (e.code() == TaskEvent.Kind.STARTED_VALUE) {
            open(e.taskId(), e.sessionId(), e.type(), false, e.workerId());
        }
        // COMPLETED, DEAD_LETTERED, kinds of a newer client: the other topics are the truth for these
    }

    /** One entry of a SUBMITTED_BATCH record: a SUBMITTED event with the record's session. */
    private void batchEntry(String taskId, String type) {
        open(taskId, fields.sessionId(), type, true, "");
    }

    /** A SUBMITTED ({@code journal}) or STARTED event: opens the task, or moves it on, never back. */
    private void open(String id, String session, String type, boolean journal, String worker) {
        if (id.isEmpty()) {
            malformed++;
            return;
        }
        Task t = tasks.get(id);
        if (t == null) {
            t = new Task(id, interned.session(session), interned.type(type), journal ? States.SUBMITTED : States.RUNNING);
            t.worker = interned.worker(worker);
            t.journaled = journal;
            tasks.put(id, t);
            counts[t.state]++;
            return;
        }
        t.journaled |= journal;
        if (!journal && t.state == States.SUBMITTED) {
            move(t, States.RUNNING);
            t.worker = interned.worker(worker);
        }
    }

    private void finished(TaskFields res) {
        String id = res.taskId();
        if (id.isEmpty()) {
            malformed++;
            return;
        }
        byte state = States.of(res.code());
        Task t = tasks.get(id);
        if (t == null) {
            t = new Task(id, interned.session(res.sessionId()), interned.type(res.type()), state);
            tasks.put(id, t);
            counts[state]++;
            hold(t);
        } else {
            boolean wasOpen = States.open(t.state);
            move(t, state);
            if (wasOpen) {
                hold(t);
            }
        }
        t.worker = interned.worker(res.workerId());
        t.file = interned.file(res.file());
        t.row = res.row();
    }

    /** A task just finished: it joins the latest finished, and the oldest of them leaves the table. */
    private void hold(Task t) {
        Task out = (t.journaled ? journaled : orphans).push(t);
        if (out != null) {
            tasks.remove(out.id, out);
            forgotten++;
        }
    }

    private void move(Task t, byte state) {
        counts[t.state]--;
        counts[state]++;
        t.state = state;
    }

    /**
     * What the table holds of the task: while it is SUBMITTED or RUNNING, and once finished while
     * it is among the latest finished ({@code finishedKept}); else null, also for a task that
     * finished longer ago (it is still counted: {@link Summary#tasksForgotten()}).
     */
    public synchronized TaskState task(String id) {
        Task t = tasks.get(id);
        return t == null ? null : new TaskState(t.id, t.session, t.type, States.name(t.state), t.worker, t.file, t.row);
    }

    /** How many finished tasks {@link #task} answers for at least, as configured. */
    public int finishedKept() {
        return finishedKept;
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

    /** The counts, kept as records are folded: costs the same however many tasks were seen. */
    public synchronized Summary summary() {
        Map<String, Long> byState = new TreeMap<>();
        long total = 0;
        for (byte s = 0; s < States.COUNT; s++) {
            if (counts[s] != 0) {
                byState.put(States.name(s), counts[s]);
                total += counts[s];
            }
        }
        List<WorkerState> ws = workers();
        int alive = (int) ws.stream().filter(WorkerState::alive).count();
        return new Summary(total, byState, alive, ws.size() - alive, deadLetters, tasks.size(), forgotten, malformed);
    }

    public synchronized long malformed() {
        return malformed;
    }

    /** A task's state as a small number: SUBMITTED, RUNNING, then each {@link TaskStatus} by its order. */
    private static final class States {
        static final byte SUBMITTED = 0;
        static final byte RUNNING = 1;
        private static final TaskStatus[] STATUSES = TaskStatus.values();
        static final int COUNT = 2 + STATUSES.length;

        private States() {
        }

        static byte of(int statusNumber) {
            TaskStatus status = TaskStatus.forNumber(statusNumber);
            return (byte) (2 + (status == null ? TaskStatus.UNRECOGNIZED : status).ordinal());
        }

        static boolean open(byte state) {
            return state <= RUNNING;
        }

        static String name(byte state) {
            return state == SUBMITTED ? "SUBMITTED" : state == RUNNING ? "RUNNING" : STATUSES[state - 2].name();
        }
    }

    /** One task as held: fields change as records are folded, under the table's lock. */
    private static final class Task {
        final String id;
        final String session;
        final String type;
        byte state;
        boolean journaled;
        String worker = "";
        String file = "";
        long row = -1;

        Task(String id, String session, String type, byte state) {
            this.id = id;
            this.session = session;
            this.type = type;
            this.state = state;
        }
    }

    /** The latest {@code size} finished tasks; pushing one more hands back the oldest. */
    private static final class Ring {
        private final Task[] slots;
        private int next;

        Ring(int size) {
            slots = new Task[size];
        }

        /** Holds {@code t}; returns the task it displaced (or {@code t} itself when the ring holds none), else null. */
        Task push(Task t) {
            if (slots.length == 0) {
                return t;
            }
            Task out = slots[next];
            slots[next] = t;
            next = next + 1 == slots.length ? 0 : next + 1;
            return out;
        }
    }

    /**
     * Shares one String among the tasks that repeat a session, type, worker or file, as
     * consecutive records mostly do: a held task then costs about its id alone.
     */
    private static final class Interner {
        private String session = "";
        private String type = "";
        private String worker = "";
        private String file = "";

        String session(String s) {
            return s.equals(session) ? session : (session = s);
        }

        String type(String s) {
            return s.equals(type) ? type : (type = s);
        }

        String worker(String s) {
            return s.equals(worker) ? worker : (worker = s);
        }

        String file(String s) {
            return s.equals(file) ? file : (file = s);
        }
    }
}
