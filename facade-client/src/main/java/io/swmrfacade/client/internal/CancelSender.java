package io.swmrfacade.client.internal;

import io.swmrfacade.client.FacadeException;
import io.swmrfacade.proto.v1.CancelRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Sends cancel requests to the cancels topic on a thread of its own, so that
 * {@link io.swmrfacade.client.TaskFacade#cancel} never waits on the network. The coordinator
 * creates the topic with the others (a writer node does if it is missing): until it exists, each
 * send waits for its metadata up to {@link #TOPIC_WAIT} and then fails naming the topic.
 *
 * <p>Thread-safe.
 */
final class CancelSender implements AutoCloseable {

    static final Duration TOPIC_WAIT = Duration.ofSeconds(10);
    private static final long RETRY_PAUSE_MS = 100;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final String requestedBy;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sf-facade-cancels");
        t.setDaemon(true);
        return t;
    });
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    CancelSender(Producer<byte[], byte[]> producer, String topic, Clock clock, String requestedBy) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
        this.requestedBy = requestedBy;
    }

    /** Cancels {@code taskId} (of {@code sessionId}), or the whole session if {@code taskId} is empty. */
    CompletableFuture<Void> send(String taskId, String sessionId) {
        CancelRequest c = CancelRequest.newBuilder().setTaskId(taskId).setSessionId(sessionId)
                .setAtUs(clock.millis() * 1000).setRequestedBy(requestedBy).build();
        String what = taskId.isEmpty() ? "session " + sessionId : "task " + taskId;
        byte[] key = (taskId.isEmpty() ? sessionId : taskId).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        done.whenComplete((v, e) -> pending.remove(done));
        try {
            thread.execute(() -> deliver(new ProducerRecord<>(topic, key, c.toByteArray()), what, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new FacadeException("the facade is closed: the cancel of " + what + " was not sent"));
        }
        return done;
    }

    private void deliver(ProducerRecord<byte[], byte[]> record, String what, CompletableFuture<Void> done) {
        attempt(record, what, done, System.nanoTime() + TOPIC_WAIT.toNanos());
    }

    /**
     * One send; a send whose topic metadata did not come within the producer's max.block.ms (the
     * facade's is 100 ms: a fresh producer, or a topic no node has created yet) is tried again on
     * this thread until {@code giveUpNanos}.
     */
    private FacadeException topicNotFound(String what, Exception e) {
        return new FacadeException("cannot send the cancel of " + what + ": topic " + topic + " not found within "
                + TOPIC_WAIT.toSeconds() + " s (the coordinator creates it, and a starting writer node if it is missing): "
                + e.getMessage(), e);
    }

    private void attempt(ProducerRecord<byte[], byte[]> record, String what, CompletableFuture<Void> done, long giveUpNanos) {
        try {
            producer.send(record, (meta, e) -> {
                if (e == null) {
                    done.complete(null);
                } else if (e instanceof TimeoutException && System.nanoTime() < giveUpNanos) {
                    retryLater(record, what, done, giveUpNanos);
                } else if (e instanceof TimeoutException) {
                    done.completeExceptionally(topicNotFound(what, e));
                } else {
                    done.completeExceptionally(new FacadeException("the broker did not take the cancel of " + what + ": " + e.getMessage(), e));
                }
            });
        } catch (TimeoutException e) {
            if (System.nanoTime() < giveUpNanos) {
                retryLater(record, what, done, giveUpNanos);
            } else {
                done.completeExceptionally(topicNotFound(what, e));
            }
        } catch (KafkaException | IllegalStateException e) {
            done.completeExceptionally(new FacadeException("cannot send the cancel of " + what + ": " + e.getMessage(), e));
        }
    }

    private void retryLater(ProducerRecord<byte[], byte[]> record, String what, CompletableFuture<Void> done, long giveUpNanos) {
        try {
            thread.execute(() -> {
                try {
                    Thread.sleep(RETRY_PAUSE_MS);
                } catch (InterruptedException ie) {
                    done.completeExceptionally(new FacadeException("the facade closed before the cancel of " + what + " was sent"));
                    return;
                }
                attempt(record, what, done, giveUpNanos);
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new FacadeException("the facade closed before the cancel of " + what + " was sent"));
        }
    }

    /** Stops sending; cancels the broker has not confirmed complete exceptionally. Does not wait. */
    @Override
    public void close() {
        thread.shutdownNow();
        for (CompletableFuture<Void> f : pending) {
            f.completeExceptionally(new FacadeException("the facade closed before the broker confirmed the cancel"));
        }
    }
}
