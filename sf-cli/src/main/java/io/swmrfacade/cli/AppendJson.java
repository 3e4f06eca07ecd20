package io.swmrfacade.cli;

import io.swmrfacade.proto.v1.AppendPayload;
import io.swmrfacade.writer.AppendPayloads;

/**
 * Turns the JSON form of an append payload, as typed on the command line, into the binary
 * {@link AppendPayload} the writer takes:
 * {@code {"stream":"/live_survey/MT001/run_001/Ex","dtype":"float32","values":[1.5,2,3],"units":"mV/km","sample_rate_hz":256}}.
 * A value the dtype cannot hold exactly is refused here, at submit, before anything is sent, by
 * the same rules the writer applies ({@link AppendPayloads}).
 */
final class AppendJson {

    private AppendJson() {
    }

    /** @throws IllegalArgumentException naming what is wrong, for a bad value its index and value */
    static byte[] parse(String json) {
        return AppendPayloads.fromJson(json).toByteArray();
    }
}
