package io.swmrfacade.system;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many requests of each kind the broker served, from its {@code RequestsPerSec} meters: only
 * when the broker runs in this JVM (the test kit), where its metrics are on the platform MBean
 * server. Requests are what a broker's CPU goes with, far more than records, so requests per
 * task shows which client of the installation costs the broker most.
 */
final class BrokerRequests {

    private final Map<String, Long> before;

    private BrokerRequests() {
        this.before = counts();
    }

    static BrokerRequests start() {
        return new BrokerRequests();
    }

    /** Requests per 1,000 tasks by kind since {@link #start}, the busiest first; empty without a broker in this JVM. */
    String perThousand(long tasks) {
        Map<String, Long> now = counts();
        StringBuilder line = new StringBuilder();
        now.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() * 1000.0 / tasks >= 0.5)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(" %s %.1f,", e.getKey(), e.getValue() * 1000.0 / tasks)));
        return line.length() == 0 ? "" : line.substring(1, line.length() - 1);
    }

    private static Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                Object count = server.getAttribute(name, "Count");
                out.merge(name.getKeyProperty("request"), ((Number) count).longValue(), Long::sum);
            }
        } catch (JMException e) {
            throw new IllegalStateException("reading the broker's request meters", e);
        }
        return out;
    }
}
