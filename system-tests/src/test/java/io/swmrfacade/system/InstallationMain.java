package io.swmrfacade.system;

import io.swmrfacade.writer.WriterNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An installation for benchmarks of clients in other processes: a coordinator and one writer node
 * (id {@code bench-writer}) in this JVM, on the shared cluster ({@code SF_BOOTSTRAP}, or the in-JVM
 * test kit), three partitions a topic. Its one argument, optional, is the writer's file (default:
 * a fresh temporary directory's {@code bench.h5}). Prints {@code READY <bootstrap> <topic prefix>},
 * then runs until its stdin closes.
 */
public final class InstallationMain {

    private InstallationMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sf-installation").resolve("bench.h5");
        try (Installation sf = new Installation("bench", 3); WriterNode writer = sf.writer(file, "bench-writer")) {
            System.out.println("READY " + sf.bootstrap + " " + sf.prefix);
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent on stdin
            }
        }
        System.exit(0);
    }
}
