package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ResultRecordsTest {

    private final ResultRecords records = new ResultRecords(new Topics("sf."), "node-1");

    /** What the results were before they were encoded directly: through the generated builder. */
    private static byte[] viaBuilder(TaskRow row, SwmrWriter.RowLocation at, byte[] output, String nodeId) {
        TaskStatus status = TaskStatus.forNumber(row.status());
        TaskResult.Builder r = TaskResult.newBuilder().setTaskId(row.taskId()).setSessionId(row.sessionId())
                .setSequence(row.sequence()).setType(row.type()).setStatus(status).setAttempts(row.attempts())
                .setWorkerId(nodeId).setFile(at.file().toString()).setRow(at.row())
                .setStartedAtUs(row.startedUs()).setFinishedAtUs(row.finishedUs());
        if (status == TaskStatus.OK) {
            r.setOutput(ByteString.copyFrom(output));
        } else {
            r.setError(new String(output, StandardCharsets.UTF_8));
        }
        return r.build().toByteArray();
    }

    @Test
    void a_directly_encoded_result_has_the_bytes_the_builder_gives() {
        Random random = new Random(11);
        TaskStatus[] statuses = {TaskStatus.OK, TaskStatus.FAILED, TaskStatus.REJECTED, TaskStatus.WORKER_CRASHED,
            TaskStatus.CANCELLED, TaskStatus.EXPIRED};
        String[] texts = {"", "a", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "sessión-ü", "日本", "a\uD800b", "🙂"};
        for (int i = 0; i < 2_000; i++) {
            byte[] output = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(300)];
            random.nextBytes(output);
            TaskStatus status = statuses[random.nextInt(statuses.length)];
            if (status != TaskStatus.OK) {
                output = random.nextInt(4) == 0 ? new byte[] {(byte) 0xff, 'x', (byte) 0xc3} // not UTF-8
                        : texts[random.nextInt(texts.length)].getBytes(StandardCharsets.UTF_8);
            }
            long[] longs = {0, 1, -1, random.nextLong(), Long.MAX_VALUE, Long.MIN_VALUE, 127, 128};
            TaskRow row = new TaskRow(texts[random.nextInt(texts.length)], texts[random.nextInt(texts.length)],
                    longs[random.nextInt(longs.length)], texts[random.nextInt(texts.length)], status.getNumber(),
                    random.nextInt(5) - 1, random.nextInt(3), random.nextInt(1000), longs[random.nextInt(longs.length)],
                    longs[random.nextInt(longs.length)], longs[random.nextInt(longs.length)], 0, output.length, -1, 0, 0);
            int segment = random.nextInt(3);
            SwmrWriter.RowLocation at = new SwmrWriter.RowLocation(segment, Path.of("/data/ü/run-" + segment + ".h5"),
                    longs[random.nextInt(longs.length)]);
            ProducerRecord<byte[], byte[]> r = records.result(row, at, output);
            assertThat(r.value()).as("row %d", i).isEqualTo(viaBuilder(row, at, output, "node-1"));
            assertThat(r.key()).isEqualTo(row.sessionId().getBytes(StandardCharsets.UTF_8));
            assertThat(r.topic()).isEqualTo("sf.results");
        }
    }

    @Test
    void a_result_names_the_file_of_its_own_row_after_a_rollover() throws Exception {
        TaskRow row = new TaskRow("t1", "s1", 1, "echo", TaskStatus.OK_VALUE, 1, 0, 5, 1, 2, 3, 0, 1, -1, 0, 0);
        byte[] first = records.result(row, new SwmrWriter.RowLocation(0, Path.of("/d/run.h5"), 7), new byte[] {1}).value();
        byte[] second = records.result(row, new SwmrWriter.RowLocation(1, Path.of("/d/run-1.h5"), 0), new byte[] {1}).value();
        assertThat(TaskResult.parseFrom(first).getFile()).isEqualTo("/d/run.h5");
        assertThat(TaskResult.parseFrom(first).getRow()).isEqualTo(7);
        assertThat(TaskResult.parseFrom(second).getFile()).isEqualTo("/d/run-1.h5");
        assertThat(TaskResult.parseFrom(second).getRow()).isZero();
    }
}
