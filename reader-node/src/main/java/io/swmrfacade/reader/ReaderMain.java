package io.swmrfacade.reader;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The reader-node process: {@code ReaderMain [--config FILE] [key=value ...]}, keys as in
 * {@link ReaderConfig} (a leading {@code --} is allowed), also from {@code SF_*} environment
 * variables. Follows the file until SIGINT/SIGTERM; exits 1 when the node fails, 2 on bad
 * configuration.
 */
public final class ReaderMain {

    private ReaderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ReaderConfig config;
        try {
            config = loadConfig(args);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("reader-node: " + e.getMessage());
            System.exit(2);
            return;
        }
        ReaderNode node = ReaderNode.start(config, Clock.systemDefaultZone(), System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, config.readerId() + "-shutdown"));
        while (!node.awaitTermination(Duration.ofHours(1))) {
            // Follows until a signal runs the shutdown hook or the node fails.
        }
        if (node.failure().isPresent()) {
            System.exit(1);
        }
    }

    static ReaderConfig loadConfig(String[] args) {
        Path propertiesFile = null;
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i].startsWith("--") ? args[i].substring(2) : args[i];
            if (a.equals("config") && i + 1 < args.length) {
                propertiesFile = Path.of(args[++i]);
            } else if (a.startsWith("config=")) {
                propertiesFile = Path.of(a.substring("config=".length()));
            } else if (a.contains("=")) {
                flags.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i]
                        + "': use --config FILE or key=value with keys of " + ReaderConfig.DEFINITION.names());
            }
        }
        return ReaderConfig.load(propertiesFile, System.getenv(), flags);
    }
}
