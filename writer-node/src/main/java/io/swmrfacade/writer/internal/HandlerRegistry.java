package io.swmrfacade.writer.internal;

import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.WriterNodeException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The handlers of a node by type: built-ins, then plugins found with {@link ServiceLoader}. */
final class HandlerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRegistry.class);
    static final Pattern TYPE = Pattern.compile("[a-z0-9_.-]{1,32}");

    private final Map<String, TaskHandler> byType = new HashMap<>();

    HandlerRegistry(List<TaskHandler> builtins, String pluginDir) {
        builtins.forEach(this::add);
        ClassLoader loader = pluginDir.isEmpty() ? HandlerRegistry.class.getClassLoader() : pluginLoader(Path.of(pluginDir));
        for (TaskHandler h : ServiceLoader.load(TaskHandler.class, loader)) {
            add(h);
            LOG.info("plugin handler '{}' from {}", h.type(), h.getClass().getName());
        }
    }

    private void add(TaskHandler h) {
        if (!TYPE.matcher(h.type()).matches()) {
            throw new WriterNodeException("handler " + h.getClass().getName() + " has an invalid type '" + h.type() + "'");
        }
        TaskHandler before = byType.putIfAbsent(h.type(), h);
        if (before != null && before.getClass() != h.getClass()) {
            throw new WriterNodeException("two handlers for type '" + h.type() + "': " + before.getClass().getName()
                    + " and " + h.getClass().getName());
        }
    }

    private static ClassLoader pluginLoader(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WriterNodeException("plugin folder " + dir + " does not exist");
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(p.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new WriterNodeException("bad plugin jar path in " + dir, e);
        } catch (IOException e) {
            throw new WriterNodeException("cannot list plugin folder " + dir, e);
        }
        return new URLClassLoader(jars.toArray(URL[]::new), HandlerRegistry.class.getClassLoader());
    }

    TaskHandler get(String type) {
        return byType.get(type);
    }

    java.util.Set<String> types() {
        return byType.keySet();
    }
}
