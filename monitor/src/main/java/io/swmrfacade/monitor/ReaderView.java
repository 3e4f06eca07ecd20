package io.swmrfacade.monitor;

import java.util.List;

/**
 * One reader node and what it sees in its file, from its latest update on the monitor topic.
 *
 * @param lastSeenMsAgo age of that update (readers publish on change, so an idle file means an old update)
 */
public record ReaderView(String id, String host, String file, int segment, long taskRows, long tasksOk,
                         long tasksFailed, List<Stream> streams, long lastSeenMsAgo) {

    public ReaderView {
        streams = List.copyOf(streams);
    }

    /** A stream dataset of the file and how many samples it holds. */
    public record Stream(String path, String dtype, long samples) {
    }
}
