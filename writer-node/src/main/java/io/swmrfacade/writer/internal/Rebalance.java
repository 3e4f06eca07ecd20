package io.swmrfacade.writer.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * What the node does when partitions move. Runs inside the consumer's poll, on the loop thread.
 * Revoke: record and commit what finished, synchronously, before giving the partitions up.
 * Assign: read the partitions' attempt counts and committed offsets (with their open-offset
 * metadata). Loss: abort the open transaction and send again only what the node still owns.
 *
 * <p>Committed offsets are read stable (read_committed): offsets a dead node sent into a
 * transaction it never ended hold them back. When they do not come within
 * {@link #STABLE_OFFSETS_WAIT}, {@link OrphanedTransactions} ends such transactions.
 */
final class Rebalance implements ConsumerRebalanceListener {

    /** A broker round trip or two, even on a loaded machine; longer means offsets held by an open transaction. */
    static final Duration STABLE_OFFSETS_WAIT = Duration.ofMillis(500);
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(5);
    /** Kafka's default.api.timeout.ms, the wait before this change. */
    private static final Duration OFFSETS_TIMEOUT = Duration.ofSeconds(60);

    private final Logger log;
    private final Consumer<?, ?> consumer;
    private final PollWakeup wakeup;
    private final Publishing publishing;
    private final Starts starts;
    private final Intake intake;
    private final OffsetTracker offsets;
    private final Attempts attempts;
    private final NodeStartup startup;
    private final OrphanedTransactions orphans;
    private volatile boolean retired;

    Rebalance(Consumer<?, ?> consumer, PollWakeup wakeup, Publishing publishing, Starts starts, Intake intake,
              OffsetTracker offsets, Attempts attempts, NodeStartup startup, OrphanedTransactions orphans, LogContext logs) {
        this.startup = startup;
        this.orphans = orphans;
        this.consumer = consumer;
        this.wakeup = wakeup;
        this.publishing = publishing;
        this.starts = starts;
        this.intake = intake;
        this.offsets = offsets;
        this.attempts = attempts;
        this.log = logs.logger(Rebalance.class);
    }

    /**
     * The loop stopped on a failure: the partitions the consumer gives up as it closes are only
     * forgotten, with nothing committed (the transactions are fenced or closed; the next owner,
     * or this node's next loop, answers those tasks from the committed offsets and the file).
     */
    void retire() {
        retired = true;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        wakeup.notPolling();
        if (retired) {
            forget(partitions);
            return;
        }
        List<Inflight> ended = publishing.recordFinished();
        Transactions.Completion last = publishing.commitAllNow();
        starts.release(ended);
        forget(partitions);
        // Applied after the partitions are gone: if that commit failed, their results are not
        // sent again (the next owner runs those tasks), only the other partitions' are.
        publishing.apply(last);
        log.info("revoked {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        wakeup.notPolling();
        if (!partitions.isEmpty()) {
            // No task is taken before its start can be recorded and its result sent. An empty
            // assignment (the tasks topic may not exist yet) waits for nothing: the loop goes on
            // turning, and reports a failed start-up (TaskLoop, NodeStartup#throwIfFailed).
            startup.awaitReady();
        }
        publishing.apply(publishing.awaitCommit()); // its group metadata predates this rebalance
        attempts.load(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(new HashSet<>(partitions));
        offsets.assigned(partitions, committed);
        Map<TopicPartition, OffsetAndMetadata> positions = new java.util.HashMap<>();
        partitions.forEach(tp -> positions.put(tp, committed.get(tp)));
        log.info("assigned {}", OpenOffsets.describe(positions));
        startup.assigned(partitions.size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        wakeup.notPolling();
        if (retired) {
            forget(partitions);
            return;
        }
        Transactions.Completion inFlight = publishing.awaitCommit();
        forget(partitions);
        publishing.apply(inFlight);
        // Results of the lost partitions may sit in the open transaction.
        publishing.abortOpen();
        log.warn("lost {}", partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        offsets.revoked(partitions);
        intake.forget(partitions);
        attempts.forget(partitions);
    }

    /** The committed offsets; a departed node's open transaction holding them is ended first. */
    private Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        try {
            return committed(partitions, STABLE_OFFSETS_WAIT);
        } catch (TimeoutException e) {
            log.info("the committed offsets of {} are not stable after {} ms; looking for a departed node's open transaction",
                    partitions, STABLE_OFFSETS_WAIT.toMillis());
            orphans.fence(FENCE_TIMEOUT);
            return committed(partitions, OFFSETS_TIMEOUT);
        }
    }

    /** The committed offsets, asked again if a wake-up meant for the poll interrupts the call. */
    private Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        for (int i = 0; ; i++) {
            try {
                return consumer.committed(partitions, timeout);
            } catch (WakeupException e) {
                if (i >= 3) {
                    throw e;
                }
            }
        }
    }
}
