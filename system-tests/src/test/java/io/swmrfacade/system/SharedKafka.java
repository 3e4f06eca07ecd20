package io.swmrfacade.system;

import io.swmrfacade.testkafka.TestKafka;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Kafka cluster for the whole test run, from {@link TestKafka} (the broker at
 * {@code SF_BOOTSTRAP}, a Testcontainers {@code apache/kafka} container where Docker is reachable,
 * else Kafka's in-JVM test kit). Tests share it and isolate themselves with their own topic prefix.
 */
public final class SharedKafka {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    /**
     * This JVM's mark in every prefix. The counter starts again at 1 in each JVM, and a broker that
     * outlives the JVM ({@code SF_BOOTSTRAP}, {@code bench/broker}) keeps earlier runs' topics:
     * without it a second run's coordinator folded every earlier run's tasks as its own.
     */
    private static final String RUN = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);

    private SharedKafka() {
    }

    public static String bootstrap() {
        return TestKafka.bootstrap();
    }

    /** A topic prefix no other test uses, in this JVM or an earlier one on the same broker. */
    public static String freshPrefix(String name) {
        return "t" + PREFIXES.incrementAndGet() + "-" + RUN + "-" + name + ".";
    }
}
