package io.swmrfacade.coordinator;

/** The root of the coordinator's exceptions. */
public class CoordinatorException extends RuntimeException {

    public CoordinatorException(String message, Throwable cause) {
        super(message, cause);
    }

    public CoordinatorException(String message) {
        super(message);
    }
}
