package io.swmrfacade.reader.internal;

import static io.swmrfacade.reader.internal.SnapshotFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swmrfacade.proto.v1.MonitorUpdate;
import org.junit.jupiter.api.Test;

class WireFormatsTest {

    @Test
    void status_json_has_plain_paths_counts_and_streams() throws Exception {
        JsonNode json = new ObjectMapper().readTree(StatusJson.toJson(snapshot(228, 12, 65_536)));
        assertThat(json.get("readerId").asText()).isEqualTo("reader-1");
        assertThat(json.get("file").asText()).isEqualTo("/data/run.h5");
        assertThat(json.get("segmentFile").asText()).isEqualTo("/data/run.1.h5");
        assertThat(json.get("state").asText()).isEqualTo("FOLLOWING");
        assertThat(json.get("totalRows").asLong()).isEqualTo(240);
        assertThat(json.get("tasks").get("failed").asLong()).isEqualTo(12);
        assertThat(json.get("streams").get(0).get("samples").asLong()).isEqualTo(65_536);
        assertThat(json.get("atMs").asLong()).isEqualTo(1735821015123L);
        assertThat(json.get("error").isNull()).isTrue();
    }

    @Test
    void monitor_update_counts_every_row_that_did_not_end_ok_as_failed() {
        MonitorUpdate u = MonitorPublisher.toProto(snapshot(228, 12, 65_536));
        assertThat(u.getReaderId()).isEqualTo("reader-1");
        assertThat(u.getFile()).isEqualTo("/data/run.h5");
        assertThat(u.getAtUs()).isEqualTo(1735821015123000L);
        assertThat(u.getSegment()).isEqualTo(1);
        assertThat(u.getTaskRows()).isEqualTo(240);
        assertThat(u.getTasksOk()).isEqualTo(228);
        assertThat(u.getTasksFailed()).isEqualTo(12);
        assertThat(u.getStreams(0).getDtype()).isEqualTo("float32");
        assertThat(u.getStreams(0).getSamples()).isEqualTo(65_536);
    }
}
