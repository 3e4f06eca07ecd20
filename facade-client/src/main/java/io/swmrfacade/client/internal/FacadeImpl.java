package io.swmrfacade.client.internal;

import com.google.protobuf.UnsafeByteOperations;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.FacadeException;
import io.swmrfacade.client.FacadeStats;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.SubmitRejectedException;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.topology.TaskLimits;
import io.swmrfacade.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The facade: a sender thread, a result-reader thread, and the session ledger between them. */
public final class FacadeImpl implements TaskFacade {

    private static final Logger LOG = LoggerFactory.getLogger(FacadeImpl.class);
    private static final long MAX_BLOCK_MS = 100;
    /** The share of close()'s timeout kept for stopping the sender after its last attempt to deliver. */
    private static final long CLOSE_MARGIN_NANOS = Duration.ofMillis(250).toNanos();

    /** Everything the builder collected; immutable. */
    public record Settings(String bootstrap, Topics topics, SessionId session, boolean resume, int maxBufferedTasks,
                           long maxBufferedBytes, Duration closeTimeout, Duration clockSkewTolerance,
                           Map<String, Object> kafka, Clock clock, Object meterRegistry) {
    }

    private final Settings settings;
    private final SessionLedger ledger;
    private final ResultLog stream;
    private final Sender sender;
    private final CancelSender cancels;
    private final ResultReader reader;
    private final Thread senderThread;
    private final Thread readerThread;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by cancelSession(): every task submitted after it says so, and nodes answer it CANCELLED. */
    private volatile boolean sessionCancelled;
    private final ConcurrentLinkedQueue<TaskId> notSent = new ConcurrentLinkedQueue<>();
    private volatile List<TaskId> unjournaled = List.of();
    private final FacadeMetrics metrics;

    public FacadeImpl(Settings settings) {
        this.settings = settings;
        this.stream = new ResultLog("sf-facade-stream");
        this.ledger = new SessionLedger(!settings.resume(), stream::append);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps("tasks"), new ByteArraySerializer(),
                new ByteArraySerializer());
        this.cancels = new CancelSender(producer, settings.topics().cancels(), settings.clock(), System.getProperty("user.name", ""));
        this.sender = new Sender(producer,
                new KafkaProducer<>(producerProps("journal"), new ByteArraySerializer(), new ByteArraySerializer()),
                settings.topics().tasks(), settings.topics().events(), settings.session().value(), settings.clock(),
                settings.maxBufferedTasks(),
                settings.maxBufferedBytes(), (p, why) -> {
                    notSent.add(p.id());
                    ledger.complete(notSent(p, why));
                });
        this.reader = new ResultReader(new KafkaConsumer<>(consumerProps(), new ByteBufferDeserializer(), new ByteBufferDeserializer()),
                settings.topics(), settings.session(), settings.resume(), settings.clockSkewTolerance(), ledger);
        this.metrics = FacadeMetrics.of(settings.meterRegistry(), sender::buffered);
        this.senderThread = thread(sender, "sf-facade-sender");
        this.readerThread = thread(reader, "sf-facade-results");
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** {@code role} names the producer in its client id: one takes tasks, the other their journal entries. */
    private Map<String, Object> producerProps(String role) {
        Map<String, Object> p = new HashMap<>(settings.kafka());
        Object clientId = p.get(ProducerConfig.CLIENT_ID_CONFIG);
        if (clientId != null && !clientId.toString().isEmpty()) {
            p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-" + role);
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // One request in flight. A partition with no state for this producer id (every partition,
        // for a new facade) accepts a first batch whatever its sequence (Kafka brokers before 4.5,
        // KAFKA-15591): with 5 in flight, a later batch that arrives just after the broker applied a
        // new partition or leadership is written, and the earlier one that got NOT_LEADER_OR_FOLLOWER
        // just before is then refused as OUT_OF_ORDER_SEQUENCE_NUMBER at every retry and its tasks
        // never reach Kafka. ProducerSequenceGapIT shows it on the broker we ship; allow 5 once the
        // brokers are 4.5 or later and that test fails.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // With one request in flight, batch.size bounds what a request carries to a partition: what
        // waited during the request before it, up to 1 MiB (three 64k-sample appends, or some 8,000
        // echo tasks). Kafka's partitioner would then also send keyless tasks to one partition
        // 1 MiB at a time, piling thousands onto one writer node (measured: a surviving node idle
        // while all tasks went to the dead node's partition); the Sender spreads them itself, in
        // runs of 16 KiB (KeylessSpread).
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        // Only the sender thread ever blocks in send(); close() gives it its last 100 ms to stop.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(MAX_BLOCK_MS, asLong(p.getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS))));
        // While the broker is away the producer keeps retrying; close() bounds the wait.
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, settings.maxBufferedBytes() * 2));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TaskLimits.MAX_RECORD_BYTES);
        return p;
    }

    private static long asLong(Object v) {
        return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = new HashMap<>(settings.kafka());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        // Results are read as soon as a writer sends them, before their transaction commits: a
        // writer sends a result only once the row it names is flushed to its file, so even the
        // result of a transaction that aborts (the writer died) is true. Its replay after a
        // restart is the same result again, and the ledger keeps the first. (If the writer stays
        // dead and another node runs the task again, the committed result is that second run's;
        // see writer-node/README.md, "What exactly-once means across files".)
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Read uncommitted, a fetch waiting on the broker returns as soon as a result is appended:
        // a short wait adds no speed, only empty fetches (200 a second at 5 ms) that the broker
        // and this client burn while idle.
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TaskLimits.MAX_RECORD_BYTES);
        return p;
    }

    @Override
    public TaskHandle submit(Task task) {
        if (closed.get()) {
            throw new SubmitRejectedException("the facade of session " + settings.session() + " is closed");
        }
        TaskId id = TaskId.next();
        long seq = sequence.incrementAndGet();
        TaskRequest.Builder req = TaskRequest.newBuilder().setTaskId(id.value()).setSessionId(settings.session().value())
                .setSequence(seq).setType(task.type()).setPayload(UnsafeByteOperations.unsafeWrap(task.payload()))
                .setSubmittedAtUs(settings.clock().millis() * 1000).setMaxAttempts(task.maxAttempts())
                .setPriority(task.priority()).setRoutingKey(task.routingKey())
                .setRetries(task.retries()).setRetryBackoffMs(task.retryBackoff().toMillis())
                .setSessionCancelled(sessionCancelled);
        if (task.deadline() != null) {
            req.setDeadlineUs(task.deadline().toEpochMilli() * 1000);
        }
        // The payload is wrapped, not copied: it is serialized right here, before submit returns.
        byte[] value = req.build().toByteArray();
        String full = sender.reserve(value.length);
        if (full != null) {
            throw new SubmitRejectedException(full);
        }
        byte[] key = task.routingKey().isEmpty() ? null : task.routingKey().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<TaskResult> future = ledger.register(id);
        metrics.submitted(future, System.nanoTime());
        sender.enqueue(new Sender.Pending(id, seq, task.type(), key, value));
        return new TaskHandle(id, seq, future);
    }

    @Override
    public CompletableFuture<Void> cancel(TaskId task) {
        java.util.Objects.requireNonNull(task, "task");
        if (closed.get()) {
            throw new FacadeException("the facade of session " + settings.session() + " is closed: cannot cancel " + task);
        }
        return cancels.send(task.value(), settings.session().value());
    }

    @Override
    public CompletableFuture<Void> cancelSession() {
        if (closed.get()) {
            throw new FacadeException("the facade of session " + settings.session() + " is closed: cannot cancel it");
        }
        // The cancel goes on its own topic, which nodes follow beside the tasks: a task submitted
        // from here on could reach a node before it. The task itself says so instead.
        sessionCancelled = true;
        return cancels.send("", settings.session().value());
    }

    @Override
    public CollectResult collect(Duration timeout) {
        try {
            return ledger.collect(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FacadeException("interrupted while collecting session " + settings.session(), e);
        }
    }

    @Override
    public Flow.Publisher<TaskResult> results() {
        return stream;
    }

    @Override
    public FacadeStats stats() {
        return new FacadeStats(sender.buffered(), ledger.size(), ledger.withoutResult(), ledger.duplicatesDropped());
    }

    @Override
    public SessionId session() {
        return settings.session();
    }

    @Override
    public List<TaskId> close(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        if (!closed.compareAndSet(false, true)) {
            return List.of();
        }
        cancels.close();
        sender.close(deadline - Math.min(CLOSE_MARGIN_NANOS, timeout.toNanos() / 4));
        join(senderThread, deadline);
        if (senderThread.isAlive()) {
            LOG.warn("[{}] the sender did not stop within the close timeout; reporting its unconfirmed tasks as NOT_SENT", settings.session());
        }
        String problem = sender.lastProblem();
        String why = "the facade closed before the broker confirmed the task" + (problem.isEmpty() ? "" : " (last problem: " + problem + ")");
        for (Sender.Pending p : sender.unsent()) {
            notSent.add(p.id());
            ledger.complete(notSent(p, why));
        }
        unjournaled = sender.unjournaled().stream().map(Sender.Pending::id).distinct().sorted().toList();
        if (!unjournaled.isEmpty()) {
            LOG.warn("[{}] {} tasks reached the broker but their journal entries did not, so a resumed session learns of"
                    + " them only from their results: {}", settings.session(), unjournaled.size(), abbreviate(unjournaled));
        }
        List<TaskId> report = notSent.stream().distinct().sorted().toList();
        if (!report.isEmpty()) {
            LOG.warn("[{}] {} tasks were not confirmed by the broker before close", settings.session(), report.size());
        }
        reader.stop();
        join(readerThread, deadline);
        stream.close();
        metrics.close();
        return report;
    }

    private static String abbreviate(List<TaskId> ids) {
        return ids.size() <= 10 ? ids.toString() : ids.subList(0, 10) + " and " + (ids.size() - 10) + " more";
    }

    @Override
    public List<TaskId> unjournaled() {
        return unjournaled;
    }

    private static void join(Thread t, long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(settings.closeTimeout());
    }

    private static TaskResult notSent(Sender.Pending p, String why) {
        return new TaskResult(p.id(), p.sequence(), p.type(), TaskStatus.NOT_SENT, null, why, 0, "", "", -1);
    }
}
