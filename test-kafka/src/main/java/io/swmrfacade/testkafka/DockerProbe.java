package io.swmrfacade.testkafka;

/** Says whether a Docker engine can run containers here; injectable so the choice is testable without one. */
@FunctionalInterface
public interface DockerProbe {

    /** Null when a Docker engine is reachable; otherwise why not, in a few words. */
    String unavailableReason();
}
