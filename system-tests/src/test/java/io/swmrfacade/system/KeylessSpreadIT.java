package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.proto.v1.TaskRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tasks without a routing key, sent with the facade's large batches, still reach every partition
 * of the tasks topic in small runs, so every writer node gets work at once.
 */
class KeylessSpreadIT {

    @Test
    void keyless_tasks_reach_every_partition_in_runs_of_about_16_KiB_though_batches_are_1_MiB() throws Exception {
        int tasks = 6000;
        byte[] payload = new byte[100];
        try (Installation sf = new Installation("keyless", 3)) {
            try (TaskFacade facade = sf.facade().maxBuffered(tasks + 1, 1L << 30).build()) {
                for (int i = 0; i < tasks; i++) {
                    facade.submit(Task.of("echo", payload));
                }
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> facade.stats().buffered() == 0);
            }
            List<ConsumerRecord<byte[], byte[]>> onTopic = ClientTopics.readAll(sf.bootstrap, sf.prefix + "tasks", r -> true, false);
            assertThat(onTopic).hasSize(tasks);
            Map<Integer, Integer> byPartition = new TreeMap<>();
            onTopic.forEach(r -> byPartition.merge(r.partition(), 1, Integer::sum));
            assertThat(byPartition).as("tasks per partition").hasSize(3);
            byPartition.values().forEach(n -> assertThat(n).isBetween(tasks / 3 - 200, tasks / 3 + 200));
            // In submit order (the session's sequence), the partition changes every run of 16 KiB.
            List<ConsumerRecord<byte[], byte[]>> inOrder = new ArrayList<>(onTopic);
            inOrder.sort(Comparator.comparingLong(KeylessSpreadIT::sequence));
            int longest = 0;
            int run = 0;
            for (int i = 0; i < inOrder.size(); i++) {
                run = i > 0 && inOrder.get(i).partition() == inOrder.get(i - 1).partition() ? run + 1 : 1;
                longest = Math.max(longest, run);
            }
            int smallest = onTopic.stream().mapToInt(r -> r.value().length).min().orElseThrow();
            assertThat(longest).as("longest run of consecutive tasks on one partition (tasks of %d bytes and more)", smallest)
                    .isLessThanOrEqualTo((16 * 1024 + smallest - 1) / smallest);
        }
    }

    private static long sequence(ConsumerRecord<byte[], byte[]> r) {
        try {
            return TaskRequest.parseFrom(r.value()).getSequence();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
