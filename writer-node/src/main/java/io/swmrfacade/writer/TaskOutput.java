package io.swmrfacade.writer;

import io.swmrfacade.swmr.StreamSpec;

/**
 * What a handler returns: bytes for the result (stored on the file's heap and sent to the
 * client) and, optionally, samples to append to a stream dataset of the node's file. The node
 * writes both; handlers never touch the file, which has exactly one writer thread.
 */
public record TaskOutput(byte[] output, StreamSpec stream, byte[] samples) {

    public TaskOutput {
        output = output == null ? new byte[0] : output;
        if ((stream == null) != (samples == null)) {
            throw new IllegalArgumentException("stream and samples go together");
        }
    }

    public static TaskOutput of(byte[] output) {
        return new TaskOutput(output, null, null);
    }

    public static TaskOutput of(String output) {
        return of(output.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
