package io.swmrfacade.writer.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.CancelRequest;
import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNodeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * Follows the cancels topic on a thread of its own, from the start of its retention, into the
 * {@link CancelBook}, and wakes the loop after each batch. A node starts no task before this
 * has read up to the end the topic had at start-up ({@link #startAndCatchUp}): a task cancelled
 * while the node was down never runs.
 *
 * <p>Each node reads the whole topic without a consumer group: cancels are few, and a task may
 * move to any node. {@link #startAndCatchUp} and {@link #close} are thread-safe.
 */
final class CancelsFollower implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final long RETRY_MS = 1_000;

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final CancelBook book;
    private final Runnable wake;
    private final Logger log;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Throwable failure;
    private Thread thread;

    CancelsFollower(WriterConfig config, CancelBook book, Runnable wake, LogContext logs) {
        this(config.topics().cancels(), consumer(config), book, wake, logs);
    }

    CancelsFollower(String topic, Consumer<byte[], byte[]> consumer, CancelBook book, Runnable wake, LogContext logs) {
        this.topic = topic;
        this.consumer = consumer;
        this.book = book;
        this.wake = wake;
        this.log = logs.logger(CancelsFollower.class);
    }

    private static Consumer<byte[], byte[]> consumer(WriterConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafkaOverrides());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "sf-writer-cancels-" + config.nodeId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // cancels are plain writes
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Starts following and waits until the topic is read up to its end as of now.
     *
     * @throws WriterNodeException if that takes longer than 30 s or the topic cannot be read
     */
    void startAndCatchUp() {
        synchronized (this) {
            if (closed) {
                throw new WriterNodeException("the node stopped before it read " + topic);
            }
            thread = new Thread(this::follow, "sf-cancels");
            thread.setDaemon(true);
            thread.start();
        }
        try {
            if (!caughtUp.await(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new WriterNodeException("could not read topic " + topic + " within " + CATCH_UP.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriterNodeException("interrupted while reading topic " + topic, e);
        }
        if (failure != null) {
            throw new WriterNodeException("cannot read topic " + topic + ": " + failure, failure);
        }
    }

    private void follow() {
        try {
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long end = consumer.endOffsets(parts, CATCH_UP).get(parts.get(0));
            while (!closed) {
                try {
                    int n = 0;
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        n += take(r) ? 1 : 0;
                    }
                    if (n > 0) {
                        wake.run();
                    }
                    if (caughtUp.getCount() > 0 && consumer.position(parts.get(0), CATCH_UP) >= end) {
                        log.info("read {} cancels from {}", book.size(), topic);
                        caughtUp.countDown();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    if (caughtUp.getCount() > 0) {
                        throw e; // the start-up reports it
                    }
                    // Running tasks keep going; cancels wait until the topic can be read again.
                    log.warn("reading {} failed: {}; trying again in 1 s", topic, e.toString());
                    Thread.sleep(RETRY_MS);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (KafkaException | IllegalStateException e) {
            failure = e;
            log.error("following {} failed: {}; cancels no longer reach this node", topic, e.toString());
        } finally {
            caughtUp.countDown();
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (KafkaException e) {
                log.warn("closing the {} reader: {}", topic, e.toString());
            }
        }
    }

    private boolean take(ConsumerRecord<byte[], byte[]> r) {
        try {
            CancelRequest c = CancelRequest.parseFrom(r.value() == null ? new byte[0] : r.value());
            if (c.getTaskId().isEmpty() && c.getSessionId().isEmpty()) {
                log.warn("ignoring record {} of {}: a cancel names neither a task nor a session", r.offset(), topic);
                return false;
            }
            book.add(c);
            return true;
        } catch (InvalidProtocolBufferException e) {
            log.warn("ignoring record {} of {}: not a CancelRequest ({})", r.offset(), topic, e.getMessage());
            return false;
        }
    }

    /** Stops following; waits up to 5 s for the thread. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            t.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
