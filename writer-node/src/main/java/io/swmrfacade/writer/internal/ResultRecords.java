package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.topology.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the records a writer node publishes: results (from file rows) and dead letters. Stateless. */
final class ResultRecords {

    private final Topics topics;
    private final String nodeId;

    ResultRecords(Topics topics, String nodeId) {
        this.topics = topics;
        this.nodeId = nodeId;
    }

    /** The result of a recorded task, keyed by its session; it names the row that holds it. */
    ProducerRecord<byte[], byte[]> result(TaskRow row, SwmrWriter.RowLocation at, byte[] output) {
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
        return new ProducerRecord<>(topics.results(), row.sessionId().getBytes(StandardCharsets.UTF_8), r.build().toByteArray());
    }

    /** A dead letter for a record of {@code topic}; {@code taskId} is empty if it could not be parsed. */
    ProducerRecord<byte[], byte[]> deadLetter(String topic, int partition, long offset, byte[] key, byte[] value,
                                              String reason, String taskId, long atUs) {
        DeadLetter.Builder dl = DeadLetter.newBuilder().setSourceTopic(topic).setSourcePartition(partition)
                .setSourceOffset(offset).setReason(reason).setWorkerId(nodeId).setAtUs(atUs).setTaskId(taskId);
        if (key != null) {
            dl.setKey(ByteString.copyFrom(key));
        }
        if (value != null) {
            dl.setValue(ByteString.copyFrom(value));
        }
        return new ProducerRecord<>(topics.deadLetter(), key, dl.build().toByteArray());
    }
}
