package io.swmrfacade.cli;

import io.swmrfacade.broker.LocalBroker;
import io.swmrfacade.broker.SecureBroker;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "broker", description = "Start, stop or check the local Kafka broker (KRaft, from Maven Central jars; data in var/kafka).")
final class BrokerCommand implements Callable<Integer> {

    enum Action { start, stop, status }

    @Parameters(index = "0", description = "start | stop | status")
    Action action;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Longest wait for the broker to start or stop (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--secure", description = "The secure broker instead (SASL_SSL, SCRAM-SHA-512, ACLs; 127.0.0.1:9094,"
            + " data in var/kafka-secure): start prints its bootstrap and the admin's client config file.")
    boolean secure;

    @Override
    public Integer call() {
        if (secure) {
            return SecureBrokerAction.run(new SecureBroker(Home.dir()), action.name(), timeout);
        }
        LocalBroker broker = new LocalBroker(Home.dir());
        switch (action) {
            case start -> System.out.println(broker.start(timeout));
            case stop -> {
                broker.stop(timeout);
                System.out.println("stopped");
            }
            default -> {
                LocalBroker.Status s = broker.status();
                System.out.println(s.running() ? "running pid " + s.pid().getAsLong() + " at " + s.bootstrap() : "not running");
                return s.running() ? 0 : Main.TASKS_FAILED;
            }
        }
        return 0;
    }
}
