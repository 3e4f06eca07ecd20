package io.swmrfacade.client.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.topology.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the session's share of the results topic: the one partition its key hashes to, from the
 * session's creation time (less the clock-skew tolerance) on. A resumed session also reads its
 * journal in the events topic, to learn the tasks it submitted before; it is caught up once it
 * has read both partitions to where they ended when it attached, so every result produced while
 * no client ran is in the ledger before a collect can call the session complete.
 */
final class ResultReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultReader.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(2);

    /**
     * Keys and values are views of the consumer's fetch buffers ({@code ByteBufferDeserializer}),
     * not copies: each is parsed at once, and what is kept (strings, the output) is copied out of it.
     */
    private final Consumer<ByteBuffer, ByteBuffer> consumer;
    private final Topics topics;
    /** {@code topics.results()}, named once: each record is checked against it. */
    private final String resultsTopic;
    private final SessionId session;
    private final boolean resume;
    private final Duration skew;
    private final SessionLedger ledger;
    /** Compared by content with each record's key (a null key never matches). */
    private final ByteBuffer sessionKey;
    private volatile boolean stopped;
    /** A resumed session's partitions and the offsets they ended at on attach; empty once read that far. */
    private Map<TopicPartition, Long> catchUpTo = Map.of();
    private long malformed;
    /** Reads the results of the session's records, one record after another. */
    private final WireResults wire;

    ResultReader(Consumer<ByteBuffer, ByteBuffer> consumer, Topics topics, SessionId session, boolean resume, Duration skew,
                 SessionLedger ledger) {
        this.consumer = consumer;
        this.topics = topics;
        this.resultsTopic = topics.results();
        this.session = session;
        this.resume = resume;
        this.skew = skew;
        this.ledger = ledger;
        this.sessionKey = ByteBuffer.wrap(session.value().getBytes(StandardCharsets.UTF_8));
        this.wire = new WireResults(sessionKey.array());
    }

    @Override
    public void run() {
        try {
            while (!stopped && !attach()) {
                sleep();
            }
            while (!stopped) {
                for (ConsumerRecord<ByteBuffer, ByteBuffer> r : consumer.poll(POLL)) {
                    handle(r);
                }
                if (!catchUpTo.isEmpty() && catchUpTo.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    catchUpTo = Map.of();
                    ledger.caughtUp();
                }
            }
        } catch (WakeupException e) {
            // close() woke us
        } catch (AuthenticationException | AuthorizationException e) {
            deny(e);
        } catch (RuntimeException e) {
            LOG.error("[{}] result reader stopped: {}", session, e.toString(), e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    /** Assigns and positions the consumer; false if the broker or topics are not there yet. */
    private boolean attach() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            parts.add(partitionOf(topics.results(), sessionKey.array()));
            if (resume) {
                parts.add(partitionOf(topics.events(), sessionKey.array()));
            }
            consumer.assign(parts);
            long from = session.createdAt().minus(skew).toEpochMilli();
            Map<TopicPartition, Long> times = new HashMap<>();
            parts.forEach(tp -> times.put(tp, from));
            // The ends first: a partition with no record from the session's time on yet is read from
            // where it ended before that search, so a result written meanwhile is not skipped
            // (seekToEnd would resolve the end only at the first poll, after such a result).
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, METADATA_WAIT);
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, METADATA_WAIT);
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = found.get(tp);
                consumer.seek(tp, o != null ? o.offset() : ends.get(tp));
            }
            if (resume) {
                catchUpTo = consumer.endOffsets(parts, METADATA_WAIT);
            }
            LOG.debug("[{}] reading {}", session, parts);
            return true;
        } catch (AuthenticationException | AuthorizationException e) {
            throw e; // not a broker that is not there yet: waiting will not help
        } catch (KafkaException e) {
            LOG.debug("[{}] cannot attach to results yet: {}", session, e.toString());
            return false;
        }
    }

    /** The broker refused this client's login or its reading of the results: collect says so at once. */
    private void deny(KafkaException e) {
        String reason = "cannot read the results of session " + session + " in " + topics.results() + ": " + e.getMessage();
        LOG.error("[{}] {}", session, reason);
        ledger.denied(reason);
    }

    private TopicPartition partitionOf(String topic, byte[] key) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
        if (infos == null || infos.isEmpty()) {
            throw new KafkaException("topic " + topic + " does not exist yet (is the coordinator running?)");
        }
        return new TopicPartition(topic, Partitions.forKey(key, infos.size()));
    }

    void handle(ConsumerRecord<ByteBuffer, ByteBuffer> r) {
        if (!sessionKey.equals(r.key())) {
            return; // another session's record on the same partition: not even parsed
        }
        try {
            if (r.topic().equals(resultsTopic)) {
                wire.read(r.value(), each -> complete(each, r));
            } else {
                TaskEvent e = TaskEvent.parseFrom(r.value());
                if (!session.value().equals(e.getSessionId())) {
                    return;
                }
                // Both forms: one task per record (older clients), or the tasks acknowledged together.
                if (e.getKind() == TaskEvent.Kind.SUBMITTED) {
                    ledger.register(new TaskId(e.getTaskId()));
                } else if (e.getKind() == TaskEvent.Kind.SUBMITTED_BATCH) {
                    for (JournaledTask t : e.getSubmittedList()) {
                        ledger.register(new TaskId(t.getTaskId()));
                    }
                }
            }
        } catch (InvalidProtocolBufferException | IllegalArgumentException | NullPointerException e) {
            malformed(r, e);
        }
    }

    /** Completes the task of one result of this session; a result that names no valid task is skipped alone. */
    private void complete(WireResults result, ConsumerRecord<ByteBuffer, ByteBuffer> r) {
        if (!result.ofSession()) {
            return;
        }
        try {
            ledger.complete(new TaskId(result.taskId()), result);
        } catch (IllegalArgumentException | NullPointerException e) {
            malformed(r, e);
        }
    }

    private void malformed(ConsumerRecord<ByteBuffer, ByteBuffer> r, Exception e) {
        if (malformed++ == 0) {
            LOG.warn("[{}] skipping malformed record {}-{}@{}: {}", session, r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    void stop() {
        stopped = true;
        consumer.wakeup();
    }
}
