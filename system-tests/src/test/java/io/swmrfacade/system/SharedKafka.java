package io.swmrfacade.system;

import io.swmrfacade.testkafka.TestKafka;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Kafka cluster for the whole test run, from {@link TestKafka} (the broker at
 * {@code SF_BOOTSTRAP}, a Testcontainers {@code apache/kafka} container where Docker is reachable,
 * else Kafka's in-JVM test kit). Tests share it and isolate themselves with their own topic prefix.
 */
public final class SharedKafka {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private SharedKafka() {
    }

    public static String bootstrap() {
        return TestKafka.bootstrap();
    }

    /** A topic prefix no other test uses. */
    public static String freshPrefix(String name) {
        return "t" + PREFIXES.incrementAndGet() + "-" + name + ".";
    }
}
