package io.swmrfacade.broker.internal;

import io.swmrfacade.broker.BrokerException;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The few settings of a broker's server.properties that the launcher needs: where it listens and
 * where clients connect. Also renders the template into the file the broker is started with.
 */
public final class ServerConfig {

    /** One entry of {@code listeners}, such as {@code PLAINTEXT://127.0.0.1:9092}. */
    public record Listener(String name, String host, int port) {
        String address() {
            String shown = host.isEmpty() ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
            return shown + ":" + port;
        }
    }

    private final Path source;
    private final List<Listener> listeners;
    private final Set<String> controllerListenerNames;

    private ServerConfig(Path source, List<Listener> listeners, Set<String> controllerListenerNames) {
        this.source = source;
        this.listeners = listeners;
        this.controllerListenerNames = controllerListenerNames;
    }

    /** @throws BrokerException if the file cannot be read or its listeners are malformed */
    public static ServerConfig read(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new BrokerException("Cannot read broker configuration " + file + ": " + e, e);
        }
        List<Listener> listeners = parseListeners(file, props.getProperty("listeners", ""));
        Set<String> controllerNames = Arrays.stream(props.getProperty("controller.listener.names", "").split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        return new ServerConfig(file, listeners, controllerNames);
    }

    public List<Listener> listeners() {
        return listeners;
    }

    /** The first listener that is not a controller listener, as {@code host:port}. */
    public String bootstrap() {
        return listeners.stream()
                .filter(listener -> !controllerListenerNames.contains(listener.name()))
                .findFirst()
                .map(Listener::address)
                .orElseThrow(() -> new BrokerException("No client listener in " + source
                        + ": every entry of `listeners` is a controller listener"));
    }

    /**
     * Fails if another process holds one of the listener ports. Binding (rather than connecting)
     * also catches a socket that is bound but not yet listening.
     *
     * @throws BrokerException naming the first address in use
     */
    public void requirePortsFree() {
        for (Listener listener : listeners) {
            try (ServerSocket socket = new ServerSocket()) {
                // As Kafka's own acceptor does: a previous broker's TIME_WAIT connections must not count.
                socket.setReuseAddress(true);
                socket.bind(listener.host().isEmpty()
                        ? new InetSocketAddress(listener.port())
                        : new InetSocketAddress(listener.host(), listener.port()));
            } catch (IOException e) {
                throw new BrokerException("Cannot start the local broker: " + listener.address() + " (listener "
                        + listener.name() + " in " + source + ") is already in use by another process ("
                        + e.getMessage() + "); stop that process or change the port in " + source);
            }
        }
    }

    /**
     * Copies {@code template} to {@code target}, comments included, and appends {@code log.dirs}
     * with the absolute path of {@code logDirs}. A later key wins when Kafka loads the file, so
     * the appended value overrides any log.dirs in the template.
     */
    public static void render(Path template, Path target, Path logDirs) {
        render(template, target, Map.of("log.dirs", logDirs.toAbsolutePath().toString()),
                "Set by LocalBroker: data under the repository's var/kafka.");
    }

    /**
     * Copies {@code template} to {@code target}, comments included, and appends {@code overrides}
     * after the line {@code # note}. A later key wins when Kafka loads the file, so the appended
     * values override the template's.
     */
    public static void render(Path template, Path target, Map<String, String> overrides, String note) {
        try {
            StringBuilder rendered = new StringBuilder("# Rendered by io.swmrfacade.broker from ").append(template)
                    .append("; edit that file instead, this one is rewritten at every start.\n")
                    .append(Files.readString(template, StandardCharsets.UTF_8))
                    .append("\n# ").append(note).append('\n');
            new TreeMap<>(overrides).forEach((key, value) -> rendered.append(key).append('=').append(escape(value)).append('\n'));
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(tmp, rendered, StandardCharsets.UTF_8);
            // A secure node's file holds passwords: every rendered file is its owner's only.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BrokerException("Cannot render " + template + " to " + target + ": " + e, e);
        }
    }

    private static String escape(String value) {
        // Properties.load treats a backslash as an escape character.
        return value.replace("\\", "\\\\");
    }

    private static List<Listener> parseListeners(Path file, String value) {
        List<Listener> result = new ArrayList<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int scheme = trimmed.indexOf("://");
            int colon = trimmed.lastIndexOf(':');
            if (scheme <= 0 || colon <= scheme) {
                throw new BrokerException("Malformed entry in `listeners` of " + file + ": '" + trimmed
                        + "', expected NAME://host:port");
            }
            String host = trimmed.substring(scheme + 3, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                result.add(new Listener(trimmed.substring(0, scheme), host,
                        Integer.parseInt(trimmed.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new BrokerException("Malformed port in `listeners` of " + file + ": '" + trimmed + "'", e);
            }
        }
        if (result.isEmpty()) {
            throw new BrokerException("No `listeners` set in " + file);
        }
        return List.copyOf(result);
    }
}
