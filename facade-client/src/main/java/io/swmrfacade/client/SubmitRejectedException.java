package io.swmrfacade.client;

/**
 * Thrown by {@link TaskFacade#submit} instead of blocking: the facade is closed, or its buffer
 * of tasks not yet confirmed by the broker is full. The message says which bound and why.
 */
public class SubmitRejectedException extends FacadeException {

    public SubmitRejectedException(String message) {
        super(message);
    }
}
