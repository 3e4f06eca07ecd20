package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.writer.WriterNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** collect, the result stream, duplicates, per-task options and concurrent submitters, on the shared broker. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClientCollectIT {

    @TempDir
    Path dir;

    @Test
    void collect_with_a_short_timeout_names_the_missing_ids_and_may_be_called_again() throws Exception {
        try (Installation sf = new Installation("collect", 2); TaskFacade facade = sf.facade().build()) {
            List<TaskId> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(facade.submit(Task.of("echo", "c" + i)).id());
            }
            // No writer yet: nothing can have a result.
            CollectResult early = facade.collect(Duration.ofMillis(300));
            assertThat(early.results()).isEmpty();
            assertThat(early.missing()).containsExactlyElementsOf(ids);
            assertThat(early.complete()).isFalse();

            WriterNode writer = sf.writer(dir.resolve("collect.h5"), "collect-writer");
            try {
                CollectResult first = facade.collect(Duration.ofSeconds(60));
                assertThat(first.missing()).isEmpty();
                assertThat(first.results()).extracting(TaskResult::id).containsExactlyElementsOf(ids);
                assertThat(first.results()).extracting(TaskResult::outputText).containsExactly("c0", "c1", "c2", "c3", "c4");
                CollectResult second = facade.collect(Duration.ofMillis(10));
                assertThat(second).isEqualTo(first);
            } finally {
                writer.close();
            }
        }
    }

    @Test
    void a_result_delivered_twice_reaches_the_user_once() throws Exception {
        try (Installation sf = new Installation("dup", 2); TaskFacade facade = sf.facade().build();
             WriterNode writer = sf.writer(dir.resolve("dup.h5"), "dup-writer")) {
            Map<TaskId, AtomicInteger> streamed = new ConcurrentHashMap<>();
            facade.results().subscribe(ClientWriterKillIT.counting(streamed));
            TaskHandle h = facade.submit(Task.of("echo", "the original"));
            TaskResult original = h.result().get(60, TimeUnit.SECONDS);

            // A redelivery as a crashed writer might make it, but with a different output, so that a
            // result shown twice, or replaced, cannot go unnoticed.
            io.swmrfacade.proto.v1.TaskResult forged = io.swmrfacade.proto.v1.TaskResult.newBuilder()
                    .setTaskId(h.id().value()).setSessionId(facade.session().value()).setSequence(h.sequence()).setType("echo")
                    .setStatus(io.swmrfacade.proto.v1.TaskStatus.OK).setOutput(ByteString.copyFromUtf8("a duplicate"))
                    .setAttempts(2).setWorkerId("another-writer").build();
            Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                byte[] key = facade.session().value().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(sf.prefix + "results", key, forged.toByteArray())).get();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> facade.stats().duplicatesDropped() == 1);

            CollectResult all = facade.collect(Duration.ofSeconds(5));
            assertThat(all.results()).singleElement().isEqualTo(original);
            assertThat(all.results().get(0).outputText()).isEqualTo("the original");
            assertThat(h.result().get()).isSameAs(original);
            assertThat(streamed).containsOnlyKeys(h.id());
            assertThat(streamed.get(h.id())).hasValue(1);
        }
    }

    @Test
    void the_result_stream_gives_no_more_than_requested_and_the_rest_on_demand() throws Exception {
        try (Installation sf = new Installation("stream", 2); TaskFacade facade = sf.facade().build();
             WriterNode writer = sf.writer(dir.resolve("stream.h5"), "stream-writer")) {
            for (int i = 0; i < 10; i++) {
                facade.submit(Task.of("echo", "s" + i));
            }
            assertThat(facade.collect(Duration.ofSeconds(60)).complete()).isTrue();
            ClientStreamProbe probe = new ClientStreamProbe();
            facade.results().subscribe(probe);
            probe.request(3);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 3);
            // Ten results are there, three were asked for: no more come.
            TaskHandle late = facade.submit(Task.of("echo", "late"));
            late.result().get(60, TimeUnit.SECONDS);
            assertThat(probe.received()).hasSize(3);
            probe.request(100);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe.received().size() == 11);
            assertThat(probe.received().stream().map(TaskResult::id).distinct()).hasSize(11);
            assertThat(probe.received().get(10).id()).isEqualTo(late.id());
            assertThat(probe.completed()).isFalse();
            facade.close(Duration.ofSeconds(10));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(probe::completed);
            assertThat(probe.deliveryThreads()).allMatch(t -> t.startsWith("sf-facade-stream"));
        }
    }

    @Test
    void options_reach_the_task_request_and_a_past_deadline_expires_the_task() throws Exception {
        try (Installation sf = new Installation("options", 3); TaskFacade facade = sf.facade().build();
             WriterNode writer = sf.writer(dir.resolve("options.h5"), "options-writer")) {
            Instant later = Instant.now().plusSeconds(600);
            TaskHandle optioned = facade.submit(Task.of("echo", "opts").withDeadline(later).withMaxAttempts(3).withPriority(7).withRetries(2, Duration.ofMillis(250))
                    .withRoutingKey("stream-A"));
            TaskHandle expired = facade.submit(Task.of("echo", "too late").withDeadline(Instant.now().minusSeconds(1)));
            CollectResult all = facade.collect(Duration.ofSeconds(60));
            assertThat(all.missing()).isEmpty();
            assertThat(optioned.result().get().status()).isEqualTo(TaskStatus.OK);
            TaskResult ex = expired.result().get();
            assertThat(ex.status()).isEqualTo(TaskStatus.EXPIRED);
            assertThat(ex.error()).contains("deadline passed");
            assertThat(ex.output()).isEmpty();

            ConsumerRecord<byte[], byte[]> record = ClientTopics.readAll(sf.bootstrap, sf.prefix + "tasks", r -> true).stream()
                    .filter(r -> request(r).getTaskId().equals(optioned.id().value())).findFirst().orElseThrow();
            TaskRequest req = request(record);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("stream-A");
            assertThat(req.getRoutingKey()).isEqualTo("stream-A");
            assertThat(req.getMaxAttempts()).isEqualTo(3);
            assertThat(req.getPriority()).isEqualTo(7);
            assertThat(req.getRetries()).isEqualTo(2);
            assertThat(req.getRetryBackoffMs()).isEqualTo(250);
            assertThat(req.getDeadlineUs()).isEqualTo(later.toEpochMilli() * 1000);
            assertThat(req.getSessionId()).isEqualTo(facade.session().value());
            assertThat(req.getSequence()).isEqualTo(optioned.sequence());
            assertThat(req.getPayload().toStringUtf8()).isEqualTo("opts");
        }
    }

    @Test
    void many_threads_may_submit_at_once_and_every_task_gets_its_own_result() throws Exception {
        int threads = 8;
        int each = 250;
        try (Installation sf = new Installation("threads", 3); TaskFacade facade = sf.facade().build();
             WriterNode writer = sf.writer(dir.resolve("threads.h5"), "threads-writer")) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<TaskHandle>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    List<TaskHandle> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(facade.submit(Task.of("echo", thread + "/" + i)));
                    }
                    return mine;
                }));
            }
            go.countDown();
            Map<TaskId, String> expected = new ConcurrentHashMap<>();
            List<TaskHandle> handles = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                List<TaskHandle> mine = futures.get(t).get(60, TimeUnit.SECONDS);
                for (int i = 0; i < each; i++) {
                    expected.put(mine.get(i).id(), t + "/" + i);
                }
                handles.addAll(mine);
            }
            pool.shutdown();
            assertThat(expected).hasSize(threads * each);
            assertThat(new HashSet<>(handles.stream().map(TaskHandle::sequence).toList())).hasSize(threads * each);

            CollectResult all = facade.collect(Duration.ofSeconds(60));
            assertThat(all.missing()).isEmpty();
            assertThat(all.results()).hasSize(threads * each);
            assertThat(all.results()).extracting(TaskResult::id).isSorted().doesNotHaveDuplicates();
            assertThat(all.results()).allSatisfy(r -> assertThat(r.outputText()).isEqualTo(expected.get(r.id())));
            for (TaskHandle h : handles) {
                assertThat(h.result().getNow(null)).isNotNull().extracting(TaskResult::id).isEqualTo(h.id());
            }
        }
    }

    private static TaskRequest request(ConsumerRecord<byte[], byte[]> r) {
        try {
            return TaskRequest.parseFrom(r.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
