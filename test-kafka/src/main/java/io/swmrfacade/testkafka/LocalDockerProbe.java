package io.swmrfacade.testkafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * Looks for a Docker engine as Testcontainers would, but first checks cheaply for any sign of one
 * (DOCKER_HOST, a Testcontainers settings file, a Docker socket): without any, asking
 * Testcontainers only costs time and logs errors.
 */
final class LocalDockerProbe implements DockerProbe {

    private final Map<String, String> env;
    private final Path home;

    LocalDockerProbe(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    @Override
    public String unavailableReason() {
        if (!anySign()) {
            return "no DOCKER_HOST, no ~/.testcontainers.properties and no Docker socket";
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? null : "Testcontainers found no working Docker environment";
        } catch (RuntimeException | LinkageError e) {
            return "Testcontainers could not ask Docker: " + e;
        }
    }

    boolean anySign() {
        String host = env.get("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return true;
        }
        List<Path> places = new ArrayList<>(List.of(home.resolve(".testcontainers.properties"), Path.of("/var/run/docker.sock"),
                home.resolve(".docker/run/docker.sock")));
        String runtime = env.get("XDG_RUNTIME_DIR"); // rootless Docker
        if (runtime != null && !runtime.isBlank()) {
            places.add(Path.of(runtime, "docker.sock"));
        }
        return places.stream().anyMatch(Files::exists);
    }
}
