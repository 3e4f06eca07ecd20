package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionLedgerTest {

    private final List<TaskResult> announced = new ArrayList<>();

    private static TaskResult result(TaskId id, String output) {
        return new TaskResult(id, 1, "echo", TaskStatus.OK, output.getBytes(), "", 1, "w", "f", 0);
    }

    @Test
    void the_first_result_wins_and_a_second_is_dropped_and_counted() throws Exception {
        SessionLedger ledger = new SessionLedger(true, announced::add);
        TaskId id = TaskId.next();
        var future = ledger.register(id);
        assertThat(ledger.complete(result(id, "first"))).isTrue();
        assertThat(ledger.complete(result(id, "second"))).isFalse();
        assertThat(future.get().outputText()).isEqualTo("first");
        assertThat(ledger.collect(Duration.ZERO).results()).singleElement().extracting(TaskResult::outputText).isEqualTo("first");
        assertThat(ledger.duplicatesDropped()).isEqualTo(1);
        assertThat(announced).hasSize(1);
    }

    @Test
    void a_kept_result_names_its_task_by_the_id_registered_not_the_equal_one_read() throws Exception {
        SessionLedger ledger = new SessionLedger(true, announced::add);
        TaskId id = TaskId.next();
        var future = ledger.register(id);
        TaskId read = new TaskId(new String(id.value().toCharArray()));
        assertThat(ledger.complete(read, registered -> result(registered, "x"))).isTrue();
        assertThat(future.get().id()).isSameAs(id);
        assertThat(announced).singleElement().extracting(TaskResult::id).isSameAs(id);
        assertThat(ledger.collect(Duration.ZERO).results()).singleElement().satisfies(r -> {
            assertThat(r.id()).isSameAs(id);
            assertThat(r.outputText()).isEqualTo("x");
            assertThat(r.workerId()).isEqualTo("w");
        });
        TaskId unknown = TaskId.next();
        TaskResult unregistered = result(unknown, "y");
        assertThat(ledger.complete(unknown, registered -> unregistered)).isTrue(); // a task not registered keeps the id it came with
        assertThat(ledger.collect(Duration.ZERO).results()).last().isSameAs(unregistered);
    }

    @Test
    void collect_returns_in_id_order_names_the_missing_and_never_waits_past_its_timeout() throws Exception {
        SessionLedger ledger = new SessionLedger(true, announced::add);
        TaskId a = TaskId.next();
        TaskId b = TaskId.next();
        TaskId c = TaskId.next();
        ledger.register(a);
        ledger.register(b);
        ledger.register(c);
        ledger.complete(result(c, "c"));
        ledger.complete(result(a, "a"));
        long start = System.nanoTime();
        CollectResult r = ledger.collect(Duration.ofMillis(50));
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(5).toNanos());
        assertThat(r.results()).extracting(TaskResult::id).containsExactly(a, c);
        assertThat(r.missing()).containsExactly(b);
        assertThat(ledger.withoutResult()).isEqualTo(1);
    }

    @Test
    void a_result_for_an_unknown_task_registers_it_and_a_resumed_session_is_incomplete_until_caught_up() throws Exception {
        SessionLedger ledger = new SessionLedger(false, announced::add);
        TaskId id = TaskId.next();
        ledger.complete(result(id, "x"));
        assertThat(ledger.collect(Duration.ofMillis(20)).results()).hasSize(1);
        assertThat(ledger.collect(Duration.ofMillis(20)).complete()).as("journal not read yet").isFalse();
        assertThat(ledger.register(id)).isCompleted();
        assertThat(ledger.withoutResult()).isZero();
        ledger.caughtUp();
        assertThat(ledger.collect(Duration.ofSeconds(5)).complete()).isTrue();
    }

    /** Regression: sf collect polls in short slices, and a resumed session looked complete with nothing in it. */
    @Test
    void a_resumed_session_with_nothing_known_yet_is_not_complete() throws Exception {
        SessionLedger ledger = new SessionLedger(false, announced::add);
        assertThat(ledger.collect(Duration.ofMillis(5)).missing()).isEmpty();
        assertThat(ledger.collect(Duration.ofMillis(5)).complete()).isFalse();
        ledger.caughtUp();
        assertThat(ledger.collect(Duration.ofMillis(5)).complete()).isTrue();
    }

    @Test
    void a_waiting_collect_returns_when_the_last_result_arrives_and_every_future_completes_once() throws Exception {
        SessionLedger ledger = new SessionLedger(true, announced::add);
        List<TaskId> ids = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<TaskResult>> futures = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TaskId id = TaskId.next();
            ids.add(id);
            futures.add(ledger.register(id));
        }
        Thread results = new Thread(() -> {
            for (int i = ids.size() - 1; i >= 0; i--) { // out of order, as results from many partitions come
                ledger.complete(result(ids.get(i), "r" + i));
            }
            ledger.complete(result(ids.get(0), "again")); // a redelivery
        });
        long start = System.nanoTime();
        results.start();
        CollectResult r = ledger.collect(Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("collect returns with the last result, not at its timeout")
                .isLessThan(Duration.ofSeconds(30));
        results.join(10_000);
        assertThat(r.complete()).isTrue();
        assertThat(r.results()).extracting(TaskResult::id).containsExactlyElementsOf(ids);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(futures.get(i).getNow(null).outputText()).isEqualTo("r" + i);
        }
        assertThat(ledger.withoutResult()).isZero();
        assertThat(ledger.duplicatesDropped()).isEqualTo(1);
        assertThat(announced).hasSize(ids.size());
    }
}
