package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's h5py (HDF5 1.10) follows the file in SWMR mode while a writer node appends to it:
 * the file is readable by the reference tools while it is written, and what they read is exact.
 */
class H5pyCrossCheckIT {

    private static final String EX = "/live_survey/MT001/run_001/Ex";

    @TempDir
    Path dir;

    @Test
    void h5py_reads_rows_and_samples_while_the_writer_runs() throws Exception {
        assumeTrue(h5pyAvailable(), "/usr/bin/python3 with h5py is not installed (apt-get install python3-h5py)");
        Path file = dir.resolve("crosscheck.h5");
        try (Installation sf = new Installation("h5py", 1)) {
            NodeProcess writer = NodeProcess.writer(sf.writerSettings(file, "h5py-writer"), dir.resolve("writer.log"));
            try (TaskFacade facade = sf.facade().build()) {
                // The first append creates the stream (segment 1); h5py then follows that segment live.
                facade.submit(Task.of("append", Payloads.float32(EX, 0, 1000)).withRoutingKey(EX));
                assertThat(facade.collect(Duration.ofSeconds(60)).complete()).isTrue();
                Path segment = dir.resolve("crosscheck.1.h5");
                Process py = new ProcessBuilder("/usr/bin/python3", script().toString(), segment.toString(), EX, "20000")
                        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("h5py.log").toFile())).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("OPEN");
                for (int i = 1; i < 20; i++) {
                    facade.submit(Task.of("append", Payloads.float32(EX, i * 1000, 1000)).withRoutingKey(EX));
                }
                CollectResult all = facade.collect(Duration.ofSeconds(60));
                assertThat(all.allSucceeded()).isTrue();
                List<String> lines = new ArrayList<>();
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
                assertThat(py.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(py.exitValue()).as("h5py: %s, log %s", lines, Files.readString(dir.resolve("h5py.log"))).isZero();
                // h5py saw the stream grow while the writer was running, and every value it read was exact.
                assertThat(lines).anyMatch(l -> l.startsWith("GREW"));
                assertThat(lines.get(lines.size() - 1)).isEqualTo("DONE samples=20000 exact=True tasks=20");
                assertThat(writer.alive()).isTrue();
            } finally {
                writer.terminate(30);
            }
        }
    }

    private Path script() throws Exception {
        Path p = dir.resolve("follow.py");
        Files.writeString(p, String.join("\n",
                "import sys, time, h5py, numpy as np",
                "path, stream, want = sys.argv[1], sys.argv[2], int(sys.argv[3])",
                "f = h5py.File(path, 'r', libver='latest', swmr=True)",
                "ds, tasks = f[stream], f['/sf/tasks']",
                "print('OPEN', flush=True)",
                "seen, deadline = ds.shape[0], time.time() + 60",
                "while time.time() < deadline:",
                "    ds.refresh(); tasks.refresh()",
                "    if ds.shape[0] > seen:",
                "        print('GREW', ds.shape[0], flush=True); seen = ds.shape[0]",
                "    if seen >= want and len(tasks) >= 20: break",
                "    time.sleep(0.005)",
                "data = ds[:]",
                "exact = bool(np.array_equal(data, np.arange(want, dtype=np.float32)))",
                "print('DONE samples=%d exact=%s tasks=%d' % (len(data), exact, len(tasks)), flush=True)",
                ""));
        return p;
    }

    static boolean h5pyAvailable() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        return new ProcessBuilder("/usr/bin/python3", "-c", "import h5py").start().waitFor() == 0;
    }
}
