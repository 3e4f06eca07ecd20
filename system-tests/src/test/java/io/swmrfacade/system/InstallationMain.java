package io.swmrfacade.system;

import io.swmrfacade.writer.WriterNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An installation for benchmarks of clients in other processes: the shared cluster (the in-JVM
 * test kit, or {@code SF_BOOTSTRAP}), a coordinator and one writer node, in this JVM. Prints
 * {@code READY <bootstrap> <topic prefix>}, then runs until its stdin closes.
 */
public final class InstallationMain {

    private InstallationMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sf-installation");
        try (Installation sf = new Installation("bench", 3); WriterNode writer = sf.writer(dir.resolve("bench.h5"), "bench-writer")) {
            System.out.println("READY " + sf.bootstrap + " " + sf.prefix);
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent on stdin
            }
        }
        System.exit(0);
    }
}
