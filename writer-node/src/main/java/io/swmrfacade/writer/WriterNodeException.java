package io.swmrfacade.writer;

/** The root of the writer node's exceptions. */
public class WriterNodeException extends RuntimeException {

    public WriterNodeException(String message) {
        super(message);
    }

    public WriterNodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
