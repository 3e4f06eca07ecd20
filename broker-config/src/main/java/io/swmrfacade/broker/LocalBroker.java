package io.swmrfacade.broker;

import io.swmrfacade.broker.internal.BrokerJvm;
import io.swmrfacade.broker.internal.BrokerLayout;
import io.swmrfacade.broker.internal.Deadline;
import io.swmrfacade.broker.internal.PidFile;
import io.swmrfacade.broker.internal.ReadinessProbe;
import io.swmrfacade.broker.internal.ServerConfig;
import io.swmrfacade.broker.internal.Termination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) for development and the
 * demo, run from the jars in {@code <home>/broker-config/target/kafka-lib} in a JVM of its own.
 *
 * <p>{@code home} is the repository root. The configuration comes from
 * {@code <home>/broker-config/local/} and everything the broker writes goes to
 * {@code <home>/var/kafka}: the rendered {@code server.properties}, {@code data/},
 * {@code logs/server.log}, {@code broker.log} (its stdout and stderr) and {@code broker.pid}.
 * The broker outlives the JVM that started it; any JVM with the same {@code home} (the `sf` CLI,
 * the demo) sees it through the pid file and can stop it.
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} are serialized within one JVM. Nothing locks
 * across JVMs; if two start a broker at once, the second broker fails on its port and
 * {@code start} reports that.
 */
public final class LocalBroker {

    /**
     * What {@link #status()} found.
     *
     * @param running whether the broker process recorded in the pid file is alive
     * @param pid its process id, when running
     * @param bootstrap the address clients use ({@code bootstrap.servers}), from the configuration
     */
    public record Status(boolean running, OptionalLong pid, String bootstrap) {
    }

    private static final Logger log = LoggerFactory.getLogger(LocalBroker.class);
    /** How long a broker that ignored SIGTERM may take to die after SIGKILL. */
    private static final Duration KILL_TIMEOUT = Termination.KILL_TIMEOUT;

    private final BrokerLayout layout;
    private final PidFile pidFile;
    private final BrokerJvm jvm;
    private final String context;

    /**
     * Does no I/O; missing jars or configuration are reported by {@link #start}.
     *
     * @param home the repository root
     */
    public LocalBroker(Path home) {
        this.layout = BrokerLayout.local(Objects.requireNonNull(home, "home"));
        this.pidFile = new PidFile(layout.pidFile(), layout.renderedConfig());
        this.jvm = new BrokerJvm(layout);
        this.context = "[local-broker " + layout.dataDir() + "]";
    }

    /**
     * Ensures the broker is running and ready, and returns its bootstrap address. If the pid file
     * names a live broker, only waits for it to answer. Otherwise renders the configuration,
     * formats the storage with a new cluster id on first use, starts the broker and waits until an
     * Admin client's {@code describeCluster} succeeds. Blocks for at most about {@code timeout}
     * (a broker that fails to become ready is given a few more seconds to stop).
     *
     * @return the bootstrap address, {@code 127.0.0.1:9092} with the shipped configuration
     * @throws BrokerException if the jars or configuration are missing, a listener port is taken
     *     by another process, formatting fails, the broker exits during start (the message ends
     *     with the last lines of broker.log) or is not ready within {@code timeout} (a broker
     *     this call started is then stopped; one that was already running is left alone)
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public synchronized String start(Duration timeout) {
        Deadline deadline = Deadline.after(requirePositive(timeout));
        Optional<ProcessHandle> running = pidFile.liveBroker();
        if (running.isPresent()) {
            String bootstrap = ServerConfig.read(layout.renderedConfig()).bootstrap();
            awaitReady(bootstrap, running.get(), deadline, false);
            log.info("{} Broker pid {} already running at {}", context, running.get().pid(), bootstrap);
            return bootstrap;
        }
        layout.requireKafkaLib();
        layout.requireTemplates();
        String bootstrap = prepare();
        if (!layout.isFormatted()) {
            jvm.formatStorage(deadline);
            log.info("{} Formatted {}", context, layout.logDirs());
        }
        long startNanos = System.nanoTime();
        ProcessHandle broker = jvm.startBroker();
        pidFile.write(broker.pid());
        awaitReady(bootstrap, broker, deadline, true);
        log.info("{} Started broker pid {} at {} in {} ms", context, broker.pid(), bootstrap,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return bootstrap;
    }

    /**
     * Stops the broker: SIGTERM (a controlled shutdown), then SIGKILL if it has not exited within
     * {@code timeout}, then removes the pid file. If no broker is running, logs so and returns.
     * Blocks for at most {@code timeout} plus 10 seconds when the broker has to be killed.
     *
     * @throws BrokerException if the process survives SIGKILL, or the thread is interrupted
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public synchronized void stop(Duration timeout) {
        requirePositive(timeout);
        Optional<ProcessHandle> running = pidFile.liveBroker();
        if (running.isEmpty()) {
            log.info("{} No broker running (no live kafka.Kafka in {}); nothing to stop", context, pidFile.path());
            pidFile.delete();
            return;
        }
        ProcessHandle broker = running.get();
        log.info("{} Stopping broker pid {}", context, broker.pid());
        if (!terminate(broker, timeout)) {
            throw new BrokerException("Broker pid " + broker.pid() + " is still alive after SIGKILL");
        }
        pidFile.delete();
        log.info("{} Stopped broker pid {}", context, broker.pid());
    }

    /**
     * Whether the broker recorded in the pid file is alive. Does not contact the broker; never
     * blocks beyond reading two small files.
     *
     * @throws BrokerException if the configuration cannot be read
     */
    public Status status() {
        Optional<ProcessHandle> running = pidFile.liveBroker();
        Path config = running.isPresent() || Files.exists(layout.renderedConfig())
                ? layout.renderedConfig()
                : layout.serverTemplate();
        OptionalLong pid = running.map(process -> OptionalLong.of(process.pid())).orElse(OptionalLong.empty());
        return new Status(running.isPresent(), pid, ServerConfig.read(config).bootstrap());
    }

    /** Checks the ports, clears the previous run's leftovers, renders server.properties. */
    private String prepare() {
        ServerConfig template = ServerConfig.read(layout.serverTemplate());
        template.requirePortsFree();
        layout.prepareFolders();
        pidFile.delete();
        ServerConfig.render(layout.serverTemplate(), layout.renderedConfig(), layout.logDirs());
        return template.bootstrap();
    }

    /** Waits for readiness; a broker this call started is stopped if it is not ready in time. */
    private void awaitReady(String bootstrap, ProcessHandle broker, Deadline deadline, boolean startedHere) {
        boolean ready;
        try {
            ready = ReadinessProbe.await(bootstrap, broker, deadline);
        } catch (BrokerException notReady) {
            if (!startedHere) {
                throw notReady;
            }
            terminate(broker, KILL_TIMEOUT);
            pidFile.delete();
            throw new BrokerException(notReady.getMessage() + "; it has been stopped. Last lines of "
                    + layout.brokerLog() + ":\n" + jvm.brokerLogTail(), notReady);
        }
        if (!ready) {
            pidFile.delete();
            throw new BrokerException("Broker pid " + broker.pid() + " exited during start. Last lines of "
                    + layout.brokerLog() + ":\n" + jvm.brokerLogTail());
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; true once the process is gone. */
    private boolean terminate(ProcessHandle broker, Duration grace) {
        broker.destroy();
        if (Termination.awaitExit(broker, grace)) {
            return true;
        }
        log.warn("{} Broker pid {} did not exit within {} of SIGTERM; killing it", context, broker.pid(), grace);
        return Termination.kill(broker);
    }

    private static Duration requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return timeout;
    }
}
