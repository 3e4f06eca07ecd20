package io.swmrfacade.broker;

/**
 * Thrown when the local broker cannot be started, checked or stopped. The message names the file,
 * directory or address involved and, where the broker process died, ends with the tail of its log.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
