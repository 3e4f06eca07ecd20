package io.swmrfacade.monitor;

/** The root of the monitor's exceptions: the brokers cannot be reached or do not answer in time. */
public class MonitorException extends RuntimeException {

    public MonitorException(String message, Throwable cause) {
        super(message, cause);
    }
}
