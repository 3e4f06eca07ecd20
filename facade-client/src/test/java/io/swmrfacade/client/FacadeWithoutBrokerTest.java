package io.swmrfacade.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The facade with nothing listening at its bootstrap address: everything it promises without a broker. */
class FacadeWithoutBrokerTest {

    private static String nowhere() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void concurrent_submitters_get_distinct_ids_and_sequences_and_close_reports_every_task_not_sent() throws Exception {
        int threads = 8;
        int each = 2_000;
        TaskFacade facade = TaskFacade.builder().bootstrap(nowhere()).topicPrefix("unit.").build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<TaskHandle>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                go.await();
                List<TaskHandle> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    mine.add(facade.submit(Task.of("echo", "x")));
                }
                return mine;
            }));
        }
        go.countDown();
        Set<TaskId> ids = ConcurrentHashMap.newKeySet();
        Set<Long> sequences = ConcurrentHashMap.newKeySet();
        List<TaskHandle> handles = new ArrayList<>();
        for (Future<List<TaskHandle>> f : futures) {
            for (TaskHandle h : f.get(60, TimeUnit.SECONDS)) {
                ids.add(h.id());
                sequences.add(h.sequence());
                handles.add(h);
            }
        }
        pool.shutdown();
        assertThat(ids).hasSize(threads * each);
        assertThat(sequences).hasSize(threads * each);
        assertThat(facade.stats().buffered()).isEqualTo(threads * each);

        List<TaskId> notSent = facade.close(Duration.ofMillis(500));
        assertThat(notSent).hasSize(threads * each).isSorted().containsExactlyInAnyOrderElementsOf(ids);
        assertThat(handles).allSatisfy(h -> assertThat(h.result().getNow(null).status()).isEqualTo(TaskStatus.NOT_SENT));
        assertThat(facade.close(Duration.ofMillis(500))).as("a second close").isEmpty();
    }

    @Test
    void the_task_bound_fails_fast_naming_the_bound() throws Exception {
        try (TaskFacade facade = TaskFacade.builder().bootstrap(nowhere()).maxBuffered(5, 1_000_000)
                .closeTimeout(Duration.ofMillis(200)).build()) {
            for (int i = 0; i < 5; i++) {
                facade.submit(Task.of("echo", "x"));
            }
            assertThatThrownBy(() -> facade.submit(Task.of("echo", "x"))).isInstanceOf(SubmitRejectedException.class)
                    .hasMessageContaining("submit buffer is full: 5 tasks are waiting for the broker to confirm them");
        }
    }

    @Test
    void bad_options_are_refused_at_the_boundary_with_the_value() {
        assertThatThrownBy(() -> Task.of("Bad Type!", "x")).hasMessageContaining("'Bad Type!'");
        assertThatThrownBy(() -> Task.of("echo", "x").withMaxAttempts(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> TaskFacade.builder().maxBuffered(0, 10)).hasMessageContaining("0 tasks");
        assertThatThrownBy(() -> new SessionId("nope")).hasMessageContaining("'nope'");
    }
}
