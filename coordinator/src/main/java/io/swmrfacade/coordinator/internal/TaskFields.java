package io.swmrfacade.coordinator.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.swmrfacade.proto.RepeatedText;
import io.swmrfacade.proto.WireRecord;
import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskResult;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The fields of a {@link TaskEvent} or {@link TaskResult} record that the coordinator's table
 * folds, read straight from the wire: the others (a result's output and error, times, attempts)
 * are skipped without being copied or decoded, and no message object is built. The generated
 * parsers read every field; at tens of thousands of tasks a second that was most of the table's
 * cost per record. A session, type, node or file equal to the one read before is not decoded
 * again ({@link RepeatedText}): only task ids make a string per record. Wire-compatible with the
 * generated code: unknown fields are skipped, and a string that is not UTF-8 or a truncated
 * record is an {@link InvalidProtocolBufferException}.
 *
 * <p>One instance is reused record after record: not thread-safe.
 */
public final class TaskFields implements WireRecord.ResultFields {

    private static final int TASK_ID = WireRecord.tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SESSION_ID = WireRecord.tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int RESULT_STATUS = WireRecord.tag(TaskResult.STATUS_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int RESULT_WORKER = WireRecord.tag(TaskResult.WORKER_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int RESULT_FILE = WireRecord.tag(TaskResult.FILE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int RESULT_ROW = WireRecord.tag(TaskResult.ROW_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int RESULT_TYPE = WireRecord.tag(TaskResult.TYPE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int EVENT_KIND = WireRecord.tag(TaskEvent.KIND_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int EVENT_TASK_ID = WireRecord.tag(TaskEvent.TASK_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int EVENT_SESSION_ID = WireRecord.tag(TaskEvent.SESSION_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int EVENT_TYPE = WireRecord.tag(TaskEvent.TYPE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int EVENT_WORKER = WireRecord.tag(TaskEvent.WORKER_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int EVENT_SUBMITTED = WireRecord.tag(TaskEvent.SUBMITTED_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ENTRY_TASK_ID = WireRecord.tag(JournaledTask.TASK_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ENTRY_TYPE = WireRecord.tag(JournaledTask.TYPE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    /** Called for each result of a result record, in order, with the fields set to it. */
    public interface Results {
        void result(TaskFields r);
    }

    /** Called for each entry of a SUBMITTED_BATCH record, in order. */
    public interface Entries {
        void entry(String taskId, String type);
    }

    private final RepeatedText sessions = new RepeatedText();
    private final RepeatedText types = new RepeatedText();
    private final RepeatedText workers = new RepeatedText();
    private final RepeatedText files = new RepeatedText();
    private final WireRecord record = new WireRecord();
    /** Told of the results of the record being read. */
    private Results each;

    private String taskId;
    private String sessionId;
    private String type;
    private String workerId;
    private String file;
    private long row;
    private int code;

    /** The task id of the record read last ("" if it had none). */
    public String taskId() {
        return taskId;
    }

    public String sessionId() {
        return sessionId;
    }

    public String type() {
        return type;
    }

    public String workerId() {
        return workerId;
    }

    /** A result's file ("" for an event). */
    public String file() {
        return file;
    }

    /** A result's row (0 for an event). */
    public long row() {
        return row;
    }

    /** The result's {@link io.swmrfacade.proto.v1.TaskStatus} number, or the event's {@link TaskEvent.Kind} number. */
    public int code() {
        return code;
    }

    /**
     * Reads a result record: hands each result it holds to {@code each}, with these fields set to
     * that result's task id, session, status ({@link #code()}), worker, file, row and type. A
     * record of packed results (docs/PROTOCOL.md §6) holds its {@code results} entries, in order;
     * any other record holds itself.
     *
     * @throws InvalidProtocolBufferException if the bytes are not a protobuf record: then the
     *                                        results before the fault were handed on already
     */
    public void readResults(ByteBuffer value, Results each) throws InvalidProtocolBufferException {
        this.each = each;
        record.readResults(value, this);
    }

    @Override
    public void result() {
        each.result(this);
    }

    /** Reads one field of a result into these fields, or skips it; false at an end-group tag. */
    @Override
    public boolean field(CodedInputStream in, int tag) throws IOException {
        if (tag == TASK_ID) {
            taskId = in.readStringRequireUtf8();
        } else if (tag == SESSION_ID) {
            sessionId = record.text(sessions, in);
        } else if (tag == RESULT_STATUS) {
            code = in.readEnum();
        } else if (tag == RESULT_WORKER) {
            workerId = record.text(workers, in);
        } else if (tag == RESULT_FILE) {
            file = record.text(files, in);
        } else if (tag == RESULT_ROW) {
            row = in.readInt64();
        } else if (tag == RESULT_TYPE) {
            type = record.text(types, in);
        } else {
            return in.skipField(tag);
        }
        return true;
    }

    /**
     * Reads a TaskEvent's kind ({@link #code()}), task id, session, type and worker, and hands each
     * entry of a SUBMITTED_BATCH to {@code entries} once the whole record has been read (so that
     * the session is known, wherever the record puts it).
     *
     * @throws InvalidProtocolBufferException if the bytes are not a protobuf record: then no entry was handed on, unless
     *                                        the record is well formed but an entry is not (those before it were)
     */
    public void readEvent(ByteBuffer value, Entries entries) throws InvalidProtocolBufferException {
        clear();
        CodedInputStream in = record.open(value);
        int batchStart = -1;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == EVENT_KIND) {
                    code = in.readEnum();
                } else if (tag == EVENT_TASK_ID) {
                    taskId = in.readStringRequireUtf8();
                } else if (tag == EVENT_SESSION_ID) {
                    sessionId = record.text(sessions, in);
                } else if (tag == EVENT_TYPE) {
                    type = record.text(types, in);
                } else if (tag == EVENT_WORKER) {
                    workerId = record.text(workers, in);
                } else if (tag == EVENT_SUBMITTED && batchStart < 0) {
                    batchStart = in.getTotalBytesRead();
                    in.skipField(tag);
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            if (batchStart >= 0 && code == TaskEvent.Kind.SUBMITTED_BATCH_VALUE) {
                readEntries(batchStart, entries);
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        } finally {
            record.release();
        }
    }

    /** The batch's entries, from the first one on (the record has been read whole once: its fields are well delimited). */
    private void readEntries(int from, Entries entries) throws IOException {
        CodedInputStream in = record.from(from);
        for (int tag = EVENT_SUBMITTED; tag != 0; tag = in.readTag()) {
            if (tag != EVENT_SUBMITTED) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            String id = "";
            String type = "";
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                if (t == ENTRY_TASK_ID) {
                    id = in.readStringRequireUtf8();
                } else if (t == ENTRY_TYPE) {
                    type = record.text(types, in);
                } else if (!in.skipField(t)) {
                    break;
                }
            }
            in.popLimit(limit);
            entries.entry(id, type);
        }
    }

    /** Every field back to its default, as before a record or a packed record's entry. */
    @Override
    public void clear() {
        taskId = "";
        sessionId = "";
        type = "";
        workerId = "";
        file = "";
        row = 0;
        code = 0;
    }
}
