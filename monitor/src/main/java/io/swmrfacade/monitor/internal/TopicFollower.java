package io.swmrfacade.monitor.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.coordinator.JournalFirst;
import io.swmrfacade.coordinator.StateTable;
import io.swmrfacade.monitor.DeadLetterView;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.Heartbeat;
import io.swmrfacade.proto.v1.MonitorUpdate;
import io.swmrfacade.topology.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an installation's events, results, heartbeats, dead-letter and monitor topics from their
 * beginning, on a daemon thread of its own, into the coordinator's {@link StateTable} (tasks and
 * workers), a {@link HeartbeatLog}, the latest update of each reader and the latest dead letters.
 * Results are read committed, so each task is counted once.
 *
 * <p>Thread-safe: the getters may be called from any thread while the thread runs.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Topics topics;
    private final StateTable table;
    private final HeartbeatLog heartbeats = new HeartbeatLog();
    private final Map<String, MonitorUpdate> readers = new TreeMap<>();
    private final Deque<DeadLetterView> deadLetters = new ArrayDeque<>();
    private final int deadLettersKept;
    private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile String failure;
    private volatile boolean stopped;

    public TopicFollower(String bootstrap, Map<String, Object> overrides, Topics topics, StateTable table, int deadLettersKept) {
        this.topics = topics;
        this.table = table;
        this.deadLettersKept = deadLettersKept;
        Map<String, Object> p = new HashMap<>(overrides);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        // Like the coordinator: fetch in batches at most 100 ms late, not one request per journal
        // record, so that monitors on other hosts do not slow the tasks they watch.
        p.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "sf-monitor-" + ProcessHandle.current().pid());
        this.consumer = new KafkaConsumer<>(p, new ByteBufferDeserializer(), new ByteBufferDeserializer()); // read in place, not copied
        this.thread = new Thread(this::run, "sf-monitor-follow");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> parts = partitions();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
            JournalFirst journalFirst = new JournalFirst(topics);
            journalFirst.beforeFirstPoll(consumer);
            long recheck = System.nanoTime() + RECHECK_NANOS;
            while (!stopped) {
                ConsumerRecords<ByteBuffer, ByteBuffer> records = journalFirst.admit(consumer, consumer.poll(Duration.ofMillis(200)));
                table.applyAll(records);
                for (ConsumerRecord<ByteBuffer, ByteBuffer> r : records) {
                    apply(r);
                }
                if (System.nanoTime() > recheck) {
                    // Topics created after the start (the monitor came up before the coordinator) join in.
                    recheck = System.nanoTime() + RECHECK_NANOS;
                    List<TopicPartition> now = partitions();
                    List<TopicPartition> added = new ArrayList<>(now);
                    added.removeAll(parts);
                    if (!added.isEmpty()) {
                        parts = now;
                        consumer.assign(parts);
                        consumer.seekToBeginning(added);
                    }
                }
                if (caughtUp.getCount() > 0) {
                    ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (ends.isEmpty()) {
                        caughtUp.countDown();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.error("monitor stopped reading the topics: {}", failure);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** The partitions to read, asking again while the brokers do not answer. */
    private List<TopicPartition> partitions() {
        List<String> sources = new ArrayList<>(table.sources());
        sources.add(topics.monitor());
        while (true) {
            try {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : sources) {
                    // Waits up to default.api.timeout.ms; a topic that does not exist is an empty list.
                    for (PartitionInfo info : consumer.partitionsFor(topic)) {
                        parts.add(new TopicPartition(topic, info.partition()));
                    }
                }
                return parts;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("no answer from the brokers yet about the topics ({}); asking again", e.getMessage());
            }
        }
    }

    /** What the monitor keeps besides the table (which {@link StateTable#applyAll} folds). */
    private void apply(ConsumerRecord<ByteBuffer, ByteBuffer> r) {
        if (r.value() == null) {
            return; // a tombstone: nothing to show (the table counts those on its own topics)
        }
        if (r.topic().equals(topics.monitor())) {
            try {
                MonitorUpdate u = MonitorUpdate.parseFrom(r.value());
                synchronized (readers) {
                    readers.put(u.getReaderId(), u);
                }
            } catch (InvalidProtocolBufferException e) {
                // not a reader's update: nothing to show
            }
            return;
        }
        try {
            if (r.topic().equals(topics.heartbeats())) {
                heartbeats.add(Heartbeat.parseFrom(r.value()));
            } else if (r.topic().equals(topics.deadLetter()) && deadLettersKept > 0) {
                DeadLetter d = DeadLetter.parseFrom(r.value());
                synchronized (deadLetters) {
                    deadLetters.addLast(new DeadLetterView(d.getAtUs(), d.getSourceTopic(), d.getSourcePartition(),
                            d.getSourceOffset(), d.getTaskId(), d.getWorkerId(), d.getReason()));
                    if (deadLetters.size() > deadLettersKept) {
                        deadLetters.removeFirst();
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            // the table counts malformed records
        }
    }

    /** Waits until every record that existed at the start has been read; returns whether that happened in time. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the thread stopped reading, or null while it reads. */
    public String failure() {
        return failure;
    }

    public HeartbeatLog heartbeats() {
        return heartbeats;
    }

    public List<MonitorUpdate> readers() {
        synchronized (readers) {
            return List.copyOf(readers.values());
        }
    }

    public List<DeadLetterView> recentDeadLetters() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
