package io.swmrfacade.reader;

import java.nio.file.Path;

/**
 * Why a reader node stopped following its file: the file did not appear in time, is not a
 * swmr-facade file, is corrupt, or could not be read. The message is one line that names the
 * reader and the file; {@link #getCause()} holds the underlying error, if any.
 */
public class ReaderException extends RuntimeException {

    private final ReaderId readerId;
    private final transient Path file;
    private final String reason;

    public ReaderException(ReaderId readerId, Path file, String reason, Throwable cause) {
        super("[" + readerId + "] " + reason, cause);
        this.readerId = readerId;
        this.file = file;
        this.reason = reason;
    }

    /** The message without the reader id prefix. */
    public String reason() {
        return reason;
    }

    public ReaderId readerId() {
        return readerId;
    }

    /** The followed file (segment 0). */
    public Path file() {
        return file;
    }
}
