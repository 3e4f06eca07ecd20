package io.swmrfacade.coordinator;

import io.swmrfacade.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps a table's consumer reading the events topic (the journal) ahead of the results topic by
 * the broker's append times (both topics use {@code LogAppendTime}), and not far ahead.
 *
 * <ul>
 *   <li>A result is folded only once the journal has been read to {@code margin} past the
 *       result's append time, or to its end: a task's journal entry is folded before its result
 *       whenever it was appended before the result or up to {@code margin} after it. Without
 *       this, a consumer folding the topics from their beginning may read every result first, and
 *       a result that has left the table ({@link StateTable}) by the time its journal entry
 *       arrives would count its task a second time. Results that a poll brought too early are
 *       not handed out: their partition is sought back to the first of them and paused.
 *   <li>An events partition waits while it is more than twice {@code margin} ahead of the results
 *       still to fold: a table refolding a long history holds the tasks of a few seconds as open,
 *       not every task the journal has (before, a refold held all of them: 5.4 million tasks and
 *       1.4 GB of heap in a benchmark's coordinator).
 * </ul>
 *
 * <p>Neither holds the other for good: the partition read least far is never paused. A partition
 * read to its end holds nothing back, unless it is paused (it is not fetched then, so it may have
 * records since); one not fetched yet (its lag unknown) counts as read to time 0, so the results
 * wait for the journal's first fetch. Never blocks: lags are what the last fetches reported.
 *
 * <p>"Read to its end" is as far as the latest fetch showed: a journal entry appended after that
 * fetch, yet before a result that a later fetch brought, can still be folded after the result,
 * as it could before results were held by time. The table then finds the task among its
 * finished ones, unless more than {@code finished.kept} results came between.
 *
 * <p>Not thread-safe: call it on the consumer's thread.
 */
public final class JournalFirst {

    /** How far behind the journal results are folded; also covers the brokers' clocks differing. */
    public static final Duration MARGIN = Duration.ofSeconds(1);

    private final String events;
    private final String results;
    private final long marginMs;
    /** Per partition, the append time of the last record handed out. */
    private final Map<TopicPartition, Long> lastRead = new HashMap<>();
    /** Per results partition sought back, the append time of the first record it holds back. */
    private final Map<TopicPartition, Long> waitingAt = new HashMap<>();

    public JournalFirst(Topics topics) {
        this(topics, MARGIN);
    }

    public JournalFirst(Topics topics, Duration margin) {
        this.events = topics.events();
        this.results = topics.results();
        this.marginMs = margin.toMillis();
    }

    /** Before the first poll: the results wait for the journal's first fetch. */
    public void beforeFirstPoll(Consumer<?, ?> consumer) {
        pauseAndResume(consumer, foldUpTo(consumer));
    }

    /**
     * After each poll: returns what the poll brought but the results the journal has not been read
     * far enough for (those are read again later), and pauses and resumes partitions.
     */
    public <K, V> ConsumerRecords<K, V> admit(Consumer<K, V> consumer, ConsumerRecords<K, V> polled) {
        for (TopicPartition tp : polled.partitions()) {
            if (tp.topic().equals(events)) {
                List<ConsumerRecord<K, V>> rs = polled.records(tp);
                lastRead.put(tp, rs.get(rs.size() - 1).timestamp());
            }
        }
        long upTo = foldUpTo(consumer);
        Map<TopicPartition, Integer> cutAt = new HashMap<>(); // results partitions whose later records wait
        for (TopicPartition tp : polled.partitions()) {
            if (tp.topic().equals(results)) {
                List<ConsumerRecord<K, V>> rs = polled.records(tp);
                int n = 0;
                while (n < rs.size() && rs.get(n).timestamp() <= upTo) {
                    n++;
                }
                if (n < rs.size()) {
                    consumer.seek(tp, rs.get(n).offset()); // read again once the journal is far enough
                    waitingAt.put(tp, rs.get(n).timestamp());
                    cutAt.put(tp, n);
                } else {
                    waitingAt.remove(tp);
                }
                if (n > 0) {
                    lastRead.put(tp, rs.get(n - 1).timestamp());
                }
            }
        }
        pauseAndResume(consumer, upTo);
        if (cutAt.isEmpty()) {
            return polled; // the usual case once caught up: nothing to copy
        }
        Map<TopicPartition, List<ConsumerRecord<K, V>>> admitted = new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<K, V>> rs = polled.records(tp);
            int n = cutAt.getOrDefault(tp, rs.size());
            if (n > 0) {
                admitted.put(tp, rs.subList(0, n));
            }
        }
        return new ConsumerRecords<>(admitted, Map.of());
    }

    /** The append time up to which results may be folded now: the journal's, less the margin. */
    private long foldUpTo(Consumer<?, ?> consumer) {
        long eventsAt = Long.MAX_VALUE; // the least far read of the events partitions not read to their end
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition tp : consumer.assignment()) {
            if (tp.topic().equals(events) && behind(consumer, paused, tp)) {
                eventsAt = Math.min(eventsAt, lastRead.getOrDefault(tp, 0L));
            }
        }
        return eventsAt == Long.MAX_VALUE ? Long.MAX_VALUE : eventsAt - marginMs;
    }

    private void pauseAndResume(Consumer<?, ?> consumer, long upTo) {
        Set<TopicPartition> assigned = consumer.assignment();
        long resultsAt = Long.MAX_VALUE; // where the results partitions not read to their end stand
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition tp : assigned) {
            // not one never fetched: the journal need not wait for it (it waits for the journal)
            if (tp.topic().equals(results) && behind(consumer, paused, tp)
                    && (lastRead.containsKey(tp) || waitingAt.containsKey(tp) || consumer.currentLag(tp).isPresent())) {
                resultsAt = Math.min(resultsAt, at(tp));
            }
        }
        List<TopicPartition> hold = new ArrayList<>();
        List<TopicPartition> go = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            if (tp.topic().equals(results)) {
                (upTo != Long.MAX_VALUE && at(tp) >= upTo ? hold : go).add(tp);
            } else if (tp.topic().equals(events)) {
                (resultsAt != Long.MAX_VALUE && at(tp) > resultsAt + 2 * marginMs ? hold : go).add(tp);
            }
        }
        consumer.pause(hold); // again each time: partitions assigned since are held too
        go.retainAll(paused);
        consumer.resume(go);
    }

    /** Where a partition stands: the first record it holds back, else the last it handed out (0: none yet). */
    private long at(TopicPartition tp) {
        Long waiting = waitingAt.get(tp);
        return waiting != null ? waiting : lastRead.getOrDefault(tp, 0L);
    }

    /**
     * Whether a partition may have records not read yet: its lag is unknown or above 0, or it is
     * paused (a paused partition is not fetched, so its lag says nothing about what came since).
     */
    private static boolean behind(Consumer<?, ?> consumer, Set<TopicPartition> paused, TopicPartition tp) {
        if (paused.contains(tp)) {
            return true;
        }
        OptionalLong lag = consumer.currentLag(tp);
        return lag.isEmpty() || lag.getAsLong() > 0;
    }
}
