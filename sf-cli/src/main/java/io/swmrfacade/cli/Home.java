package io.swmrfacade.cli;

import java.nio.file.Path;

/** The installation folder (the repository root): bin/sf passes it as -Dsf.home. */
final class Home {

    private Home() {
    }

    static Path dir() {
        String home = System.getProperty("sf.home", System.getenv("SF_HOME"));
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }
}
