package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.TaskResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ResultPackingTest {

    private static final String RESULTS = "sf.results";
    private static final TopicPartition P0 = new TopicPartition("sf.tasks", 0);
    private static final TopicPartition P1 = new TopicPartition("sf.tasks", 1);

    private static Transactions.Outgoing result(String session, String id, TopicPartition source, long epoch, int outputBytes) {
        byte[] value = TaskResult.newBuilder().setTaskId(id).setSessionId(session)
                .setOutput(ByteString.copyFrom(new byte[outputBytes])).build().toByteArray();
        return new Transactions.Outgoing(new ProducerRecord<>(RESULTS, session.getBytes(StandardCharsets.UTF_8), value), source, epoch);
    }

    /** The task ids each record carries, packed or not. */
    private static List<List<String>> ids(List<Transactions.Outgoing> out) throws Exception {
        List<List<String>> ids = new ArrayList<>();
        for (Transactions.Outgoing o : out) {
            TaskResult m = TaskResult.parseFrom(o.record().value());
            List<String> these = m.getResultsCount() == 0 ? List.of(m.getTaskId())
                    : m.getResultsList().stream().map(TaskResult::getTaskId).toList();
            assertThat(o.answers()).isEqualTo(these.size());
            ids.add(these);
        }
        return ids;
    }

    @Test
    void one_sessions_results_of_one_partition_go_out_as_one_record_in_order() throws Exception {
        List<Transactions.Outgoing> out = ResultPacking.pack(List.of(result("s", "a", P0, 1, 10),
                result("s", "b", P0, 1, 10), result("s", "c", P0, 1, 10)), RESULTS);
        assertThat(ids(out)).containsExactly(List.of("a", "b", "c"));
        Transactions.Outgoing packed = out.get(0);
        assertThat(packed.record().topic()).isEqualTo(RESULTS);
        assertThat(new String(packed.record().key(), StandardCharsets.UTF_8)).isEqualTo("s");
        assertThat(packed.source()).isEqualTo(P0);
        assertThat(packed.epoch()).isEqualTo(1);
        assertThat(TaskResult.parseFrom(packed.record().value()).getResults(1).getSessionId()).isEqualTo("s");
    }

    @Test
    void sessions_partitions_and_assignments_are_never_mixed_and_other_records_pass_as_they_are() throws Exception {
        Transactions.Outgoing deadLetter = new Transactions.Outgoing(new ProducerRecord<>("sf.dead-letter", new byte[] {1}), P0, 1);
        Transactions.Outgoing lone = result("t", "lone", P0, 1, 10);
        List<Transactions.Outgoing> out = ResultPacking.pack(List.of(result("s", "a", P0, 1, 10), deadLetter,
                result("s", "b", P1, 1, 10), lone, result("s", "c", P0, 1, 10), result("s", "d", P0, 2, 10),
                result("s", "e", P1, 1, 10), result("s", "f", P0, 2, 10)), RESULTS);
        assertThat(out.get(0)).isSameAs(deadLetter);
        assertThat(ids(out.subList(1, out.size())))
                .containsExactly(List.of("a", "c"), List.of("b", "e"), List.of("lone"), List.of("d", "f"));
        assertThat(out.get(3)).isSameAs(lone); // alone in its group: sent as it was
    }

    @Test
    void a_group_larger_than_a_record_is_split_and_a_result_too_large_to_share_goes_alone() throws Exception {
        List<Transactions.Outgoing> staged = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            staged.add(result("s", "r" + i, P0, 1, 40 * 1024));
        }
        staged.add(result("s", "big", P0, 1, ResultPacking.MAX_RECORD_BYTES));
        staged.add(result("s", "after", P0, 1, 10));
        List<Transactions.Outgoing> out = ResultPacking.pack(staged, RESULTS);
        assertThat(ids(out)).containsExactly(List.of("r0", "r1", "r2"), List.of("r3", "r4", "r5"), List.of("r6"), List.of("big"),
                List.of("after"));
        for (Transactions.Outgoing o : out.subList(0, 2)) {
            assertThat(o.record().value().length).isLessThanOrEqualTo(ResultPacking.MAX_RECORD_BYTES);
        }
    }
}
