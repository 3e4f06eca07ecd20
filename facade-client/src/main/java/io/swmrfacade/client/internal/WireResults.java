package io.swmrfacade.client.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.RepeatedText;
import io.swmrfacade.proto.WireRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads the results a record of the results topic holds straight off the wire ({@link WireRecord}),
 * into the form the facade keeps: no message object is built, the output is copied once (into
 * the result), the session is compared as bytes, and a type, node or file equal to the last one
 * read is neither decoded nor held again (results mostly repeat them). The generated parser built
 * a message and a string for every field, and copied the output twice; with one result read per
 * task that was most of the results thread's garbage.
 *
 * <p>Reads as the generated parser does, but for what {@link WireRecord} says, and for a result
 * whose session is not this one: it is skipped without its session being checked for UTF-8.
 *
 * <p>Each result read is handed on as this object, which then holds its fields and makes its
 * {@link TaskResult} ({@link #apply}). One instance is reused record after record, on the
 * results thread: not thread-safe.
 */
final class WireResults implements Function<TaskId, TaskResult>, WireRecord.ResultFields {

    private static final int TASK_ID = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.TASK_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SESSION_ID = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.SESSION_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SEQUENCE = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.SEQUENCE_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int STATUS = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.STATUS_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int OUTPUT = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.OUTPUT_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ERROR = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.ERROR_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ATTEMPTS = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.ATTEMPTS_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int WORKER = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.WORKER_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int FILE = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.FILE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ROW = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.ROW_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int TYPE = WireRecord.tag(io.swmrfacade.proto.v1.TaskResult.TYPE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final byte[] NO_BYTES = new byte[0];

    private final byte[] session;
    private final RepeatedText types = new RepeatedText();
    private final RepeatedText workers = new RepeatedText();
    private final RepeatedText files = new RepeatedText();
    private final WireRecord record = new WireRecord();
    /** Told of each result of the record being read, while this object holds it. */
    private Consumer<WireResults> each;

    private String taskId;
    private boolean ofSession;
    private long sequence;
    private int status;
    private byte[] output;
    private String error;
    private int attempts;
    private long row;
    private String type;
    private String worker;
    private String file;

    /** @param session the UTF-8 bytes of the session whose results are wanted */
    WireResults(byte[] session) {
        this.session = session.clone();
    }

    /**
     * Reads a record: hands each result it holds to {@code each}, the entries of a packed record
     * in order, or else the record itself.
     *
     * @throws InvalidProtocolBufferException if the record is not a well-formed result record
     */
    void read(ByteBuffer value, Consumer<WireResults> each) throws InvalidProtocolBufferException {
        this.each = each;
        record.readResults(value, this);
    }

    @Override
    public boolean field(CodedInputStream in, int tag) throws IOException {
        if (tag == TASK_ID) {
            taskId = in.readStringRequireUtf8();
        } else if (tag == SESSION_ID) {
            ofSession = record.bytesEqual(in, session);
        } else if (tag == SEQUENCE) {
            sequence = in.readInt64();
        } else if (tag == STATUS) {
            status = in.readEnum();
        } else if (tag == OUTPUT) {
            output = in.readByteArray();
        } else if (tag == ERROR) {
            error = in.readStringRequireUtf8();
        } else if (tag == ATTEMPTS) {
            attempts = in.readInt32();
        } else if (tag == WORKER) {
            worker = record.text(workers, in);
        } else if (tag == FILE) {
            file = record.text(files, in);
        } else if (tag == ROW) {
            row = in.readInt64();
        } else if (tag == TYPE) {
            type = record.text(types, in);
        } else {
            return in.skipField(tag);
        }
        return true;
    }

    @Override
    public void result() {
        each.accept(this);
    }

    @Override
    public void clear() {
        taskId = "";
        ofSession = session.length == 0;
        sequence = 0;
        status = 0;
        output = NO_BYTES;
        error = "";
        attempts = 0;
        row = 0;
        type = "";
        worker = "";
        file = "";
    }

    /** The task id of the result held ("" if it has none). */
    String taskId() {
        return taskId;
    }

    /** Whether the result held names this reader's session. */
    boolean ofSession() {
        return ofSession;
    }

    /** The result held, as the facade hands it out, naming its task by {@code id}. */
    @Override
    public TaskResult apply(TaskId id) {
        return new TaskResult(id, sequence, type, status(status), output, error, attempts, worker, file, row);
    }

    private static TaskStatus status(int wire) {
        return switch (wire) {
            case io.swmrfacade.proto.v1.TaskStatus.OK_VALUE -> TaskStatus.OK;
            case io.swmrfacade.proto.v1.TaskStatus.REJECTED_VALUE -> TaskStatus.REJECTED;
            case io.swmrfacade.proto.v1.TaskStatus.WORKER_CRASHED_VALUE -> TaskStatus.WORKER_CRASHED;
            case io.swmrfacade.proto.v1.TaskStatus.EXPIRED_VALUE -> TaskStatus.EXPIRED;
            case io.swmrfacade.proto.v1.TaskStatus.NOT_SENT_VALUE -> TaskStatus.NOT_SENT;
            case io.swmrfacade.proto.v1.TaskStatus.CANCELLED_VALUE -> TaskStatus.CANCELLED;
            default -> TaskStatus.FAILED; // FAILED, and a status this client does not know
        };
    }
}
