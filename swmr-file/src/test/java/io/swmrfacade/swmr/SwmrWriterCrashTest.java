package io.swmrfacade.swmr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real writer process with SIGKILL while it appends, then recovers its file. */
class SwmrWriterCrashTest {

    @TempDir
    Path dir;

    @Test
    void everything_flushed_before_kill_9_survives_and_the_file_reopens_for_writing() throws Exception {
        Path file = dir.resolve("crash.h5");
        long next = 0;
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                    CrashingWriterMain.class.getName(), file.toString(), Long.toString(next))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("STARTED");
                Thread.sleep(300 + round * 100L); // let it append for a while: the kill lands mid-append
                p.destroyForcibly(); // SIGKILL
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            next = verify(file);
        }
        assertThat(next).isGreaterThan(10);
        if (Files.isExecutable(Path.of("/usr/bin/python3")) && h5pyAvailable()) {
            Process py = new ProcessBuilder("/usr/bin/python3", "-c",
                    "import h5py,sys\n"
                            + "f=h5py.File(sys.argv[1],'r')\n"
                            + "t=f['/sf/tasks']\n"
                            + "print(len(t), t[-1]['task_id'].decode())\n", dir.resolve("crash.1.h5").toString())
                    .redirectErrorStream(true).start();
            String line = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(py.waitFor()).as(line).isZero();
            assertThat(line).endsWith("task-" + (next - 1));
        }
    }

    /** Checks rows are consecutive with exact contents; returns the next task number. */
    private static long verify(Path file) {
        List<TaskRow> rows = new ArrayList<>();
        try (SwmrWriter w = SwmrWriter.open(file, "checker", Clock.systemUTC())) {
            w.scanRows((loc, r) -> rows.add(r));
            for (int i = 0; i < rows.size(); i++) {
                TaskRow r = rows.get(i);
                assertThat(r.taskId()).isEqualTo("task-" + i);
                assertThat(new String(w.readHeap(1, r.outputOffset(), r.outputLength()), StandardCharsets.US_ASCII)).isEqualTo("out-" + i);
            }
        }
        try (SwmrFollower f = SwmrFollower.tryOpen(file)) {
            SwmrFollower.Update u = f.poll();
            assertThat(u.totalRows()).isEqualTo(rows.size());
            // The writer has trimmed samples no row owned: the stream holds each task's samples once, in order.
            assertThat(u.streams().get("/s/Ex").samples()).isEqualTo(rows.size() * 16L);
            ByteBuffer b = ByteBuffer.wrap(f.readSamples("/s/Ex", 0, rows.size() * 16L)).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < rows.size() * 16L; i++) {
                assertThat(b.getLong()).isEqualTo(i);
            }
            for (SwmrFollower.Row r : u.newRows()) {
                assertThat(r.row().streamStart()).isEqualTo(r.index() * 16);
            }
        }
        return rows.size();
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static boolean h5pyAvailable() throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import h5py").start();
        return p.waitFor() == 0;
    }
}
