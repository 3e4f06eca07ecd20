package io.swmrfacade.testkafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The version of the Kafka clients on the class path, as their jar states it. */
public final class KafkaVersion {

    private static final String RESOURCE = "/kafka/kafka-version.properties";

    private KafkaVersion() {
    }

    /** For example {@code 4.4.0}. */
    public static String clients() {
        try (InputStream in = KafkaProducer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the Kafka clients jar has no " + RESOURCE);
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the Kafka clients jar", e);
        }
    }
}
