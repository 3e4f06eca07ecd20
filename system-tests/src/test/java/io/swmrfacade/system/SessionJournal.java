package io.swmrfacade.system;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.proto.v1.JournaledTask;
import io.swmrfacade.proto.v1.TaskEvent;
import java.util.ArrayList;
import java.util.List;

/** A session's journal as the broker holds it, read by an independent consumer: its records, and the task ids they name. */
final class SessionJournal {

    private SessionJournal() {
    }

    /** The session's SUBMITTED and SUBMITTED_BATCH records in {@code eventsTopic}, in log order. */
    static List<TaskEvent> records(String bootstrap, String eventsTopic, SessionId session) {
        List<TaskEvent> out = new ArrayList<>();
        for (var r : ClientTopics.readAll(bootstrap, eventsTopic, r -> true)) {
            TaskEvent e;
            try {
                e = TaskEvent.parseFrom(r.value());
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError("not a TaskEvent on " + eventsTopic, ex);
            }
            if (e.getSessionId().equals(session.value())
                    && (e.getKind() == TaskEvent.Kind.SUBMITTED || e.getKind() == TaskEvent.Kind.SUBMITTED_BATCH)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every task id {@code records} name, in order, repeats included. */
    static List<TaskId> ids(List<TaskEvent> records) {
        List<TaskId> out = new ArrayList<>();
        for (TaskEvent e : records) {
            if (e.getKind() == TaskEvent.Kind.SUBMITTED) {
                out.add(new TaskId(e.getTaskId()));
            } else {
                for (JournaledTask t : e.getSubmittedList()) {
                    out.add(new TaskId(t.getTaskId()));
                }
            }
        }
        return out;
    }
}
