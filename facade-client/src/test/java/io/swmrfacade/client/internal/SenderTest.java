package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender on Kafka's in-memory producers (no broker). */
class SenderTest {

    private final List<Thread> threads = new ArrayList<>();
    private final List<Sender> senders = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        senders.forEach(s -> s.close(System.nanoTime()));
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private Sender start(MockProducer<byte[], byte[]> tasks, MockProducer<byte[], byte[]> journal) {
        Sender sender = new Sender(tasks, journal, "u.tasks", "u.events", "session-1", Clock.systemUTC(), 10_000, 1 << 20,
                (p, why) -> { });
        Thread thread = new Thread(sender, "sender-under-test");
        thread.start();
        threads.add(thread);
        senders.add(sender);
        return sender;
    }

    private static List<TaskId> submit(Sender sender, int n) {
        return submit(sender, n, "echo");
    }

    private static List<TaskId> submit(Sender sender, int n, String type) {
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertThat(sender.reserve(1)).isNull();
            TaskId id = TaskId.next();
            ids.add(id);
            sender.enqueue(new Sender.Pending(id, Long.MAX_VALUE - i, type, null, new byte[] {1}));
        }
        return ids;
    }

    /** Each journal record's task ids, in order; every record must be a SUBMITTED_BATCH of this session. */
    private static List<List<TaskId>> records(MockProducer<byte[], byte[]> journal) throws Exception {
        List<List<TaskId>> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : journal.history()) {
            TaskEvent e = TaskEvent.parseFrom(r.value());
            assertThat(e.getKind()).isEqualTo(TaskEvent.Kind.SUBMITTED_BATCH);
            assertThat(e.getSessionId()).isEqualTo("session-1");
            assertThat(r.key()).isEqualTo("session-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.add(e.getSubmittedList().stream().map(JournaledTask::getTaskId).map(TaskId::new).toList());
        }
        return out;
    }

    private static List<TaskId> journaledIds(MockProducer<byte[], byte[]> journal) throws Exception {
        return records(journal).stream().flatMap(List::stream).toList();
    }

    /** Acknowledges journal records as the sender sends them until they name {@code entries} tasks in all. */
    private static void completeJournalUntil(MockProducer<byte[], byte[]> journal, int entries) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (journal.completeNext() || journaledIds(journal).size() < entries) {
            assertThat(System.nanoTime() - deadline).as("the sender journals %d tasks within 10 s", entries).isNegative();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static void close(Sender sender) throws InterruptedException {
        sender.close(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void journal_records_go_through_their_own_producer_so_no_task_waits_behind_one() throws Exception {
        MockProducer<byte[], byte[]> tasks = producer(true);
        MockProducer<byte[], byte[]> journal = producer(true);
        Sender sender = start(tasks, journal);
        List<TaskId> ids = submit(sender, 3);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> journaledIds(journal).size() == 3);
        assertThat(journaledIds(journal)).containsExactlyElementsOf(ids);
        assertThat(tasks.history()).hasSize(3).extracting(ProducerRecord::topic).containsOnly("u.tasks");
        assertThat(journal.history()).extracting(ProducerRecord::topic).containsOnly("u.events");
        close(sender);
        threads.get(0).join(10_000);
        assertThat(threads.get(0).isAlive()).isFalse();
        assertThat(tasks.closed()).isTrue();
        assertThat(journal.closed()).isTrue();
        assertThat(sender.unjournaled()).isEmpty();
        assertThat(sender.buffered()).isZero();
    }

    @Test
    void tasks_acknowledged_while_a_journal_record_is_with_the_broker_go_in_the_next_records_of_at_most_1000() throws Exception {
        MockProducer<byte[], byte[]> tasks = producer(false);
        MockProducer<byte[], byte[]> journal = producer(false);
        Sender sender = start(tasks, journal);
        // The longest type and sequences there are: the records' bytes are at their bound too.
        List<TaskId> ids = submit(sender, 2_500, "t".repeat(32));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tasks.history().size() == 2_500);
        while (tasks.completeNext()) {
            // the broker acknowledges every task
        }
        // One record at a time: the first holds what was acknowledged when it left, the rest wait for it.
        completeJournalUntil(journal, 2_500);
        assertThat(journaledIds(journal)).containsExactlyElementsOf(ids);
        assertThat(records(journal)).hasSizeBetween(3, 4).allSatisfy(r -> assertThat(r).hasSizeLessThanOrEqualTo(Journal.MAX_ENTRIES));
        assertThat(journal.history()).allSatisfy(r -> assertThat(r.value().length).isLessThan(100 * 1024));
        close(sender);
        threads.get(0).join(10_000);
        assertThat(sender.unjournaled()).isEmpty();
    }

    @Test
    void a_journal_record_the_broker_cannot_take_yet_is_sent_again_whole() throws Exception {
        MockProducer<byte[], byte[]> tasks = producer(true);
        MockProducer<byte[], byte[]> journal = producer(false);
        Sender sender = start(tasks, journal);
        List<TaskId> ids = submit(sender, 1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> journal.history().size() == 1);
        List<TaskId> more = submit(sender, 5); // acknowledged while the first record is out
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tasks.history().size() == 6);
        journal.errorNext(new NotLeaderOrFollowerException("the events partition moved"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> journal.history().size() == 2);
        journal.completeNext();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> journal.history().size() == 3);
        journal.completeNext();
        List<List<TaskId>> records = records(journal);
        assertThat(records.get(0)).as("the refused record").containsExactlyElementsOf(ids);
        assertThat(records.get(1)).as("sent again whole, before the tasks acknowledged since").containsExactlyElementsOf(ids);
        assertThat(records.get(2)).containsExactlyElementsOf(more);
        assertThat(sender.lastProblem()).isEmpty();
        close(sender);
        threads.get(0).join(10_000);
        assertThat(sender.unjournaled()).isEmpty();
    }

    @Test
    void close_reports_every_task_of_a_journal_record_the_broker_refused_for_good() throws Exception {
        MockProducer<byte[], byte[]> tasks = producer(true);
        MockProducer<byte[], byte[]> journal = producer(false);
        Sender sender = start(tasks, journal);
        List<TaskId> first = submit(sender, 1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> journal.history().size() == 1);
        journal.errorNext(new RecordTooLargeException("refused for good"));
        List<TaskId> later = submit(sender, 4);
        completeJournalUntil(journal, 5);
        assertThat(journaledIds(journal)).containsExactlyElementsOf(java.util.stream.Stream.concat(first.stream(), later.stream()).toList());
        close(sender);
        threads.get(0).join(10_000);
        assertThat(sender.unjournaled()).extracting(Sender.Pending::id).containsExactlyElementsOf(first);
    }

    /**
     * Regression: close gives up on a sender thread that overruns its deadline (a loaded machine,
     * a metadata wait) and reads unjournaled() while that thread still works. A record's tasks were
     * taken out of line before the record was made and counted as unconfirmed, so for that while
     * they were nowhere, and close did not report them (ClientJournalIT saw 136 of 2,500 missing).
     * Here the record is held up while it is made, by a clock that stalls when the record asks it
     * the time.
     */
    @Test
    void unjournaled_names_the_tasks_of_a_record_still_being_made_when_close_gives_up_on_the_thread() throws Exception {
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Clock stalling = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                if (asked.getCount() == 0) {
                    return java.time.Instant.now();
                }
                asked.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return java.time.Instant.now();
            }
        };
        MockProducer<byte[], byte[]> tasks = producer(true);
        MockProducer<byte[], byte[]> journal = producer(true);
        Sender sender = new Sender(tasks, journal, "u.tasks", "u.events", "session-1", stalling, 10_000, 1 << 20, (p, why) -> { });
        Thread thread = new Thread(sender, "sender-under-test");
        threads.add(thread);
        senders.add(sender);
        thread.start();
        List<TaskId> ids = submit(sender, 10);
        assertThat(asked.await(10, TimeUnit.SECONDS)).as("the journal makes a record").isTrue();
        sender.close(System.nanoTime());
        try {
            // The thread is stuck making the record: the tasks sent so far (in order) are acknowledged, none journaled.
            int acknowledged = tasks.history().size();
            assertThat(acknowledged).isPositive();
            assertThat(sender.unjournaled()).extracting(Sender.Pending::id)
                    .containsExactlyInAnyOrderElementsOf(ids.subList(0, acknowledged));
        } finally {
            release.countDown();
        }
    }
}
