package io.swmrfacade.writer.internal;

import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.swmr.SwmrWriter;
import io.swmrfacade.swmr.TaskRow;
import io.swmrfacade.writer.TaskOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes finished tasks into the node's file and builds their results: samples and output bytes
 * are staged first and the row last, so a reader that sees the row sees all it points at. Every
 * recorded row enters the {@link AppliedIndex}, which finds it again when the task is replayed;
 * the row and its output are then read back from the file.
 *
 * <p>Loop thread only; not thread-safe.
 */
final class FileRecorder {

    private final SwmrWriter file;
    private final AppliedIndex index;
    private final ResultRecords records;
    private String lastTaskId;
    private int lastStatus;
    private int segment = -1;
    private Path segmentPath;

    FileRecorder(SwmrWriter file, AppliedIndex index, ResultRecords records) {
        this.file = file;
        this.index = index;
        this.records = records;
    }

    /** Stages {@code o} in the file (visible at the next flush) and returns its result record. */
    ProducerRecord<byte[], byte[]> record(Outcome o) {
        TaskStatus status = o.status();
        byte[] output = o.output();
        int streamIndex = -1;
        long streamStart = 0;
        long streamCount = 0;
        TaskOutput result = o.result();
        if (result != null && result.stream() != null) {
            try {
                file.ensureStream(result.stream());
                streamStart = file.appendSamples(result.stream().path(), result.samples());
                streamIndex = file.streamIndex(result.stream().path());
                streamCount = result.samples().length / result.stream().type().size();
            } catch (IllegalArgumentException e) {
                status = TaskStatus.REJECTED;
                output = e.getMessage().getBytes(StandardCharsets.UTF_8);
            }
        }
        Inflight t = o.task();
        TaskRequest task = t.task();
        long heapAt = file.appendHeap(output);
        TaskRow row = new TaskRow(task.getTaskId(), task.getSessionId(), task.getSequence(), task.getType(),
                status.getNumber(), o.attempts(), t.tp().partition(), t.offset(), task.getSubmittedAtUs(),
                o.startedUs(), o.finishedUs(), heapAt, output.length, streamIndex, streamStart, streamCount);
        SwmrWriter.RowLocation at = new SwmrWriter.RowLocation(file.segment(), currentFile(), file.appendRow(row));
        index.put(at, row.taskId(), row.finishedUs() / 1000);
        lastTaskId = row.taskId();
        lastStatus = row.status();
        return records.result(row, at, output);
    }

    /** The current segment's path, looked up again only after a rollover (a later segment's name is built on each call). */
    private Path currentFile() {
        if (file.segment() != segment) {
            segment = file.segment();
            segmentPath = file.currentFile();
        }
        return segmentPath;
    }

    /**
     * The status number the file holds for {@code taskId} if it is the task recorded last, else -1:
     * recording turns an OK whose samples cannot be stored into REJECTED. Costs no file read.
     */
    int lastRecordedStatus(String taskId) {
        return taskId.equals(lastTaskId) ? lastStatus : -1;
    }

    /** The result of a task the file already holds, rebuilt from its row and stored output, or null if none. */
    ProducerRecord<byte[], byte[]> replay(String taskId) {
        AppliedIndex.Applied a = index.get(taskId);
        if (a == null) {
            return null;
        }
        byte[] output = file.readHeap(a.location().segment(), a.row().outputOffset(), a.row().outputLength());
        return records.result(a.row(), a.location(), output);
    }
}
