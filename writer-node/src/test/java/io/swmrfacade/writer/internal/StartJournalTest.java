package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.proto.v1.TaskAttempt;
import io.swmrfacade.proto.v1.TaskRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start journal on a real file: what a node restarted on its file counts. */
class StartJournalTest {

    @TempDir
    Path dir;

    private static Inflight task(String id, int partition, int priorStarts) {
        return new Inflight(TaskRequest.newBuilder().setTaskId(id).setType("echo").build(), new TopicPartition("sf.tasks", partition),
                0, 1, 0, priorStarts, 3);
    }

    private StartJournal reopen(Path file) {
        return StartJournal.open(file, new LogContext());
    }

    @Test
    void a_start_written_before_a_kill_is_counted_by_the_restarted_node_and_an_answered_one_is_not() {
        Path file = dir.resolve("run.h5.starts");
        StartJournal j = reopen(file);
        assertThat(j.started(List.of(task("a", 0, 0), task("b", 1, 0)))).isTrue();
        j.ended(List.of("b"));
        assertThat(reopen(file).starts("b")).as("the end is written with its commit, not later").isZero();
        assertThat(j.started(List.of(task("c", 2, 1)))).isTrue();
        // no close: the process dies here
        StartJournal restarted = reopen(file);
        assertThat(restarted.starts("a")).isEqualTo(1);
        assertThat(restarted.starts("b")).isZero();
        assertThat(restarted.starts("c")).isEqualTo(2);
    }

    @Test
    void task_ids_outside_ascii_are_written_as_utf8_and_read_back() throws Exception {
        Path file = dir.resolve("run.h5.starts");
        StartJournal j = reopen(file);
        String[] ids = {"tâche-é", "a-b", "日本-" + "x".repeat(2000), "🙂", "z"};
        for (int i = 0; i < ids.length; i++) {
            assertThat(j.started(List.of(task(ids[i], i, i)))).isTrue();
        }
        j.ended(List.of("a-b"));
        StartJournal restarted = reopen(file);
        for (int i = 0; i < ids.length; i++) {
            assertThat(restarted.starts(ids[i])).as(ids[i]).isEqualTo(ids[i].equals("a-b") ? 0 : i + 1);
        }
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).startsWith("+ tâche-é 0 1\n+ a-b 1 2\n");
        assertThat(restarted.started(List.of(task("p", 123, 9), task("q", 10, 99)))).isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).endsWith("+ p 123 10\n+ q 10 100\n");
        assertThat(reopen(file).starts("q")).isEqualTo(100);
    }

    @Test
    void a_line_cut_short_by_a_crash_is_skipped() throws Exception {
        Path file = dir.resolve("run.h5.starts");
        Files.writeString(file, "+ a 0 1\n+ b 0\n+ c 0 x", StandardCharsets.UTF_8);
        StartJournal j = reopen(file);
        assertThat(j.starts("a")).isEqualTo(1);
        assertThat(j.starts("b")).isZero();
        assertThat(j.starts("c")).isZero();
        assertThat(j.started(List.of(task("d", 0, 0)))).isTrue();
        assertThat(reopen(file).starts("d")).isEqualTo(1);
    }

    @Test
    void the_file_is_rewritten_with_the_open_starts_alone_once_it_passes_its_bound() throws Exception {
        Path file = dir.resolve("run.h5.starts");
        StartJournal j = reopen(file);
        j.started(List.of(task("kept", 0, 0)));
        String pad = "x".repeat(100);
        for (int i = 0; Files.size(file) <= StartJournal.ROTATE_BYTES / 2; i++) {
            j.started(List.of(task(pad + i, 0, 0)));
            j.ended(List.of(pad + i));
        }
        for (int i = 0; i < 20_000; i++) {
            j.started(List.of(task(pad + "y" + i, 0, 0)));
            j.ended(List.of(pad + "y" + i));
        }
        j.close();
        assertThat(Files.size(file)).isLessThan(StartJournal.ROTATE_BYTES);
        StartJournal restarted = reopen(file);
        assertThat(restarted.size()).isEqualTo(1);
        assertThat(restarted.starts("kept")).isEqualTo(1);
    }

    @Test
    void a_journal_that_cannot_write_declines_so_the_start_waits_for_kafka() throws Exception {
        Path folder = dir.resolve("a-folder");
        Files.createDirectory(folder);
        StartJournal j = reopen(folder);
        assertThat(j.started(List.of(task("a", 0, 0)))).isFalse();
        assertThat(j.starts("a")).isZero();
    }

    @Test
    void a_clean_shutdown_takes_a_start_back() {
        Path file = dir.resolve("run.h5.starts");
        StartJournal j = reopen(file);
        Inflight first = task("a", 0, 0);
        Inflight second = task("b", 0, 1);
        j.started(List.of(first, second));
        j.takenBack(first);
        j.takenBack(second);
        j.close();
        StartJournal restarted = reopen(file);
        assertThat(restarted.starts("a")).isZero();
        assertThat(restarted.starts("b")).isEqualTo(1);
    }

    @Test
    void attempts_counts_a_first_start_from_the_journal_and_sends_its_record_once_it_is_due() {
        Path file = dir.resolve("run.h5.starts");
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        AtomicLong nanos = new AtomicLong();
        Attempts a = new Attempts("sf.attempts", "n", producer, new MockConsumer<>("earliest"), Clock.systemUTC(), new LogContext(),
                reopen(file), nanos::get);
        assertThat(a.recordFirstStarts(List.of(task("t", 2, 0)))).isTrue();
        assertThat(producer.history()).isEmpty();
        // the node dies before the record was sent; restarted on its file it counts the start
        Attempts restarted = new Attempts("sf.attempts", "n", new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()), new MockConsumer<>("earliest"), Clock.systemUTC(), new LogContext(), reopen(file));
        assertThat(restarted.starts("t")).isEqualTo(1);
        restarted.close();
        // the task still runs one delay later: its start is marked due, and sent at the tick after that
        nanos.addAndGet(Attempts.FIRST_START_DELAY.toNanos());
        a.tick();
        assertThat(producer.history()).isEmpty();
        nanos.addAndGet(Attempts.FIRST_START_DELAY.toNanos());
        a.tick();
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.partition()).isEqualTo(2);
            assertThat(TaskAttempt.parseFrom(r.value()).getAttempts()).isEqualTo(1);
        });
        // once its result is committed, the record sent is ended by a tombstone
        a.clearAll(List.of(task("t", 2, 0)));
        assertThat(producer.history()).hasSize(2);
        assertThat(producer.history().get(1).value()).isNull();
        a.close();
    }

    @Test
    void a_first_start_that_ends_before_its_record_is_due_writes_no_record_and_no_tombstone() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        AtomicLong nanos = new AtomicLong();
        Attempts a = new Attempts("sf.attempts", "n", producer, new MockConsumer<>("earliest"), Clock.systemUTC(), new LogContext(),
                reopen(dir.resolve("run.h5.starts")), nanos::get);
        Inflight quick = task("quick", 0, 0);
        Inflight slow = task("slow", 1, 0);
        a.recordFirstStarts(List.of(quick, slow));
        nanos.addAndGet(Attempts.FIRST_START_DELAY.toNanos());
        a.tick();
        a.ended(List.of(quick));
        nanos.addAndGet(Attempts.FIRST_START_DELAY.toNanos());
        a.tick();
        a.clearAll(List.of(quick));
        assertThat(producer.history()).singleElement().satisfies(r ->
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("slow"));
        a.close();
    }

    @Test
    void a_partition_given_up_sends_the_deferred_starts_of_its_running_tasks_at_once() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Attempts a = new Attempts("sf.attempts", "n", producer, new MockConsumer<>("earliest"), Clock.systemUTC(), new LogContext(),
                reopen(dir.resolve("run.h5.starts")), () -> 0L);
        a.recordFirstStarts(List.of(task("moving", 1, 0), task("staying", 0, 0)));
        a.forget(List.of(new TopicPartition("sf.tasks", 1)));
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("moving");
            assertThat(r.partition()).isEqualTo(1);
        });
        a.close();
    }

    @Test
    void giving_up_a_partition_waits_a_bounded_time_for_start_records_the_broker_does_not_take() {
        MockProducer<byte[], byte[]> unanswered = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        Attempts a = new Attempts("sf.attempts", "n", unanswered, new MockConsumer<>("earliest"), Clock.systemUTC(), new LogContext(),
                reopen(dir.resolve("run.h5.starts")), () -> 0L);
        a.recordFirstStarts(List.of(task("t", 1, 0)));
        long start = System.nanoTime();
        a.forget(List.of(new TopicPartition("sf.tasks", 1)));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(unanswered.history()).hasSize(1);
        assertThat(waitedMs).isBetween(Attempts.GIVE_UP_ACK_WAIT.toMillis() - 50, Attempts.GIVE_UP_ACK_WAIT.toMillis() + 5_000);
        a.close();
    }

    @Test
    void a_first_start_taken_back_before_its_record_was_sent_writes_nothing_to_kafka() {
        Path file = dir.resolve("run.h5.starts");
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Attempts a = new Attempts("sf.attempts", "n", producer, new MockConsumer<>("earliest"), Clock.systemUTC(), new LogContext(),
                reopen(file), () -> 0L);
        a.recordFirstStarts(List.of(task("t", 0, 0)));
        a.takeBack(List.of(task("t", 0, 0)));
        assertThat(producer.history()).isEmpty();
        a.close();
        assertThat(reopen(file).starts("t")).isZero();
    }
}
