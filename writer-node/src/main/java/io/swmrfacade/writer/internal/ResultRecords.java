package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.swmrfacade.proto.v1.DeadLetter;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds the records a writer node publishes: results (from file rows) and dead letters.
 *
 * <p>Loop thread only (it keeps the current file's name); not thread-safe.
 */
final class ResultRecords {

    private static final byte[] NONE = new byte[0];

    private final Topics topics;
    /** Built once: the producer hashes a record's topic name on every send, and a cached String keeps its hash. */
    private final String resultsTopic;
    private final String nodeId;
    private final byte[] nodeIdUtf8;
    private java.nio.file.Path lastFile;
    private int lastSegment = -1;
    private byte[] lastFileUtf8;
    private String lastType;
    private byte[] lastTypeUtf8;

    ResultRecords(Topics topics, String nodeId) {
        this.topics = topics;
        this.resultsTopic = topics.results();
        this.nodeId = nodeId;
        this.nodeIdUtf8 = nodeId.getBytes(StandardCharsets.UTF_8);
    }

    /** The result of a recorded task, keyed by its session; it names the row that holds it. */
    ProducerRecord<byte[], byte[]> result(TaskRow row, SwmrWriter.RowLocation at, byte[] output) {
        byte[] session = row.sessionId().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(resultsTopic, session, encode(row, session, fileName(at), at.row(), output));
    }

    /**
     * The {@code TaskResult} of {@code row}, encoded straight from it: the bytes a
     * {@code TaskResult.Builder} would give (fields in number order, defaults left out; a string
     * is its UTF-8 bytes, as {@code String.getBytes} gives them, unpaired surrogates as '?'),
     * without the builder, the message and a copy of the output. A result is built for every
     * task on the loop thread, where the builder's way was about a tenth of the thread's time
     * (session 6).
     */
    private byte[] encode(TaskRow row, byte[] session, byte[] file, long rowIndex, byte[] output) {
        boolean ok = row.status() == TaskStatus.OK_VALUE;
        byte[] taskId = row.taskId().getBytes(StandardCharsets.UTF_8);
        byte[] error = ok ? NONE : new String(output, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        byte[] type = typeName(row.type());
        int size = bytesSize(1, taskId) + bytesSize(2, session) + int64Size(3, row.sequence())
                + (row.status() != 0 ? CodedOutputStream.computeEnumSize(4, row.status()) : 0)
                + (ok ? bytesSize(5, output) : 0) + bytesSize(6, error)
                + (row.attempts() != 0 ? CodedOutputStream.computeInt32Size(7, row.attempts()) : 0)
                + bytesSize(8, nodeIdUtf8) + bytesSize(9, file) + int64Size(10, rowIndex)
                + int64Size(11, row.startedUs()) + int64Size(12, row.finishedUs()) + bytesSize(13, type);
        byte[] out = new byte[size];
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        try {
            writeBytes(c, 1, taskId);
            writeBytes(c, 2, session);
            writeInt64(c, 3, row.sequence());
            if (row.status() != 0) {
                c.writeEnum(4, row.status());
            }
            if (ok) {
                writeBytes(c, 5, output);
            }
            writeBytes(c, 6, error);
            if (row.attempts() != 0) {
                c.writeInt32(7, row.attempts());
            }
            writeBytes(c, 8, nodeIdUtf8);
            writeBytes(c, 9, file);
            writeInt64(c, 10, rowIndex);
            writeInt64(c, 11, row.startedUs());
            writeInt64(c, 12, row.finishedUs());
            writeBytes(c, 13, type);
            c.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a TaskResult did not fit its computed size", e);
        }
        return out;
    }

    /** The UTF-8 bytes of a task type: a node sees few types, mostly one after another the same. */
    private byte[] typeName(String type) {
        if (!type.equals(lastType)) {
            lastType = type;
            lastTypeUtf8 = type.getBytes(StandardCharsets.UTF_8);
        }
        return lastTypeUtf8;
    }

    /** The UTF-8 name of {@code at}'s file, kept for the segment in use (every result names it). */
    private byte[] fileName(SwmrWriter.RowLocation at) {
        if (at.segment() != lastSegment || at.file() != lastFile) { // the recorder hands the same Path per segment
            lastFile = at.file();
            lastSegment = at.segment();
            lastFileUtf8 = lastFile.toString().getBytes(StandardCharsets.UTF_8);
        }
        return lastFileUtf8;
    }

    private static int bytesSize(int field, byte[] b) {
        return b.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(field, b);
    }

    private static int int64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeInt64Size(field, v);
    }

    /** A string (its UTF-8 bytes: on the wire, a string is its bytes) or bytes field; left out when empty. */
    private static void writeBytes(CodedOutputStream c, int field, byte[] b) throws IOException {
        if (b.length > 0) {
            c.writeByteArray(field, b);
        }
    }

    private static void writeInt64(CodedOutputStream c, int field, long v) throws IOException {
        if (v != 0) {
            c.writeInt64(field, v);
        }
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
