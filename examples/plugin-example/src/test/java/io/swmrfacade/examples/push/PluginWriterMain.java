package io.swmrfacade.examples.push;

import io.swmrfacade.writer.WriterConfig;
import io.swmrfacade.writer.WriterNode;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A writer node in a child JVM whose class path lacks the plugin: it can only come from the plugin folder. */
public final class PluginWriterMain {

    private PluginWriterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        WriterNode node = WriterNode.start(new WriterConfig(settings), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        System.out.println("STARTED");
        System.out.flush();
        node.awaitTermination(Duration.ofDays(1));
    }
}
