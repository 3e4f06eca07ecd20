package io.swmrfacade.client;

/** The root of the client library's exceptions. */
public class FacadeException extends RuntimeException {

    public FacadeException(String message) {
        super(message);
    }

    public FacadeException(String message, Throwable cause) {
        super(message, cause);
    }
}
