package io.swmrfacade.testkafka;

import java.util.Map;

/**
 * Where the integration tests' broker comes from, decided once per run from the environment:
 * <ol>
 *   <li>{@code SF_BOOTSTRAP} set: the broker already running there;</li>
 *   <li>{@code SF_TEST_BROKER=testkit}: Kafka's in-JVM KRaft test kit, whatever else exists;</li>
 *   <li>{@code SF_TEST_BROKER=container}: a Testcontainers {@code apache/kafka} container, and an
 *       error if no Docker engine is reachable;</li>
 *   <li>otherwise ({@code SF_TEST_BROKER} unset or {@code auto}): the container when the probe finds
 *       a Docker engine, else the in-JVM test kit.</li>
 * </ol>
 *
 * @param source what to start
 * @param reason why, for the one log line that reports the choice
 */
public record BrokerChoice(Source source, String reason) {

    public static final String BOOTSTRAP_ENV = "SF_BOOTSTRAP";
    public static final String MODE_ENV = "SF_TEST_BROKER";

    /** The three places a test broker comes from. */
    public enum Source { EXTERNAL, CONTAINER, IN_JVM }

    /**
     * Decides from {@code env}; asks {@code docker} only when the environment leaves it open.
     *
     * @throws IllegalArgumentException if {@code SF_TEST_BROKER} has a value other than auto, testkit or
     *     container, or is container while the probe finds no Docker engine
     */
    public static BrokerChoice choose(Map<String, String> env, DockerProbe docker) {
        String external = env.get(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            return new BrokerChoice(Source.EXTERNAL, BOOTSTRAP_ENV + "=" + external);
        }
        String mode = env.getOrDefault(MODE_ENV, "auto").trim();
        switch (mode) {
            case "testkit":
                return new BrokerChoice(Source.IN_JVM, MODE_ENV + "=testkit");
            case "container": {
                String missing = docker.unavailableReason();
                if (missing != null) {
                    throw new IllegalArgumentException(MODE_ENV + "=container but no Docker engine is reachable: " + missing);
                }
                return new BrokerChoice(Source.CONTAINER, MODE_ENV + "=container");
            }
            case "", "auto": {
                String missing = docker.unavailableReason();
                return missing == null ? new BrokerChoice(Source.CONTAINER, "a Docker engine is reachable")
                        : new BrokerChoice(Source.IN_JVM, "no Docker engine: " + missing);
            }
            default:
                throw new IllegalArgumentException(MODE_ENV + "='" + mode + "' is not one of auto, testkit, container");
        }
    }
}
