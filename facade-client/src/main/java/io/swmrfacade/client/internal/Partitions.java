package io.swmrfacade.client.internal;

import org.apache.kafka.common.utils.Utils;

/** The partition Kafka's default partitioner gives a keyed record: where a session's results land. */
final class Partitions {

    private Partitions() {
    }

    static int forKey(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
