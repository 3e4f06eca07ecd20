package io.swmrfacade.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmark mains' scratch files: their HDF5 files reach gigabytes, so a main removes them when it ends. */
final class BenchFiles {

    private BenchFiles() {
    }

    /** Deletes {@code root} and everything under it; nothing if it does not exist. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
