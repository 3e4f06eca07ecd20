package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.topology.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The conversion of wire results, without a broker. */
class ResultReaderTest {

    private final String session = TaskId.next().value();
    private final ResultReader reader = new ResultReader(null, new Topics("sf."), new SessionId(session), false,
            Duration.ofSeconds(1), new SessionLedger(true, r -> { }));

    private TaskResult convert(String type, String worker, String file) throws Exception {
        byte[] wire = io.swmrfacade.proto.v1.TaskResult.newBuilder().setTaskId(TaskId.next().value()).setSessionId(session)
                .setSequence(1).setType(type).setStatus(io.swmrfacade.proto.v1.TaskStatus.OK).setWorkerId(worker).setFile(file)
                .setRow(7).build().toByteArray();
        return reader.convert(io.swmrfacade.proto.v1.TaskResult.parseFrom(wire));
    }

    @Test
    void results_that_repeat_a_type_node_and_file_share_those_strings_and_others_keep_their_own() throws Exception {
        TaskResult a = convert("echo", "node-1", "/data/a.h5");
        TaskResult b = convert("echo", "node-1", "/data/a.h5");
        assertThat(b.type()).isSameAs(a.type());
        assertThat(b.workerId()).isSameAs(a.workerId());
        assertThat(b.file()).isSameAs(a.file());
        TaskResult c = convert("append", "node-2", "/data/b.h5");
        assertThat(c.type()).isEqualTo("append");
        assertThat(c.workerId()).isEqualTo("node-2");
        assertThat(c.file()).isEqualTo("/data/b.h5");
        assertThat(c.status()).isEqualTo(TaskStatus.OK);
        assertThat(c.row()).isEqualTo(7);
        assertThat(a.type()).isEqualTo("echo");
        assertThat(a.file()).isEqualTo("/data/a.h5");
    }
}
