package io.swmrfacade.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.swmr.WriterLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterWatchTest {

    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration STALL = Duration.ofSeconds(10);

    @Test
    void stalled_only_when_the_lock_is_held_and_nothing_flushed_for_the_stall_time() {
        assertThat(WriterWatch.stalled(true, T, T.plusMillis(9_999), STALL)).isFalse();
        assertThat(WriterWatch.stalled(true, T, T.plusMillis(10_000), STALL)).isTrue();
        assertThat(WriterWatch.stalled(true, T, T.plusSeconds(600), STALL)).isTrue();
    }

    @Test
    void a_writer_that_let_go_of_the_lock_is_not_stalled_however_long_ago_it_flushed() {
        assertThat(WriterWatch.stalled(false, T, T.plusSeconds(600), STALL)).isFalse();
    }

    @Test
    void nothing_is_stalled_before_the_first_flush_is_seen() {
        assertThat(WriterWatch.stalled(true, null, T.plusSeconds(600), STALL)).isFalse();
    }

    @Test
    void the_lock_holder_is_the_live_process_named_in_the_lock_file(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("run.h5");
        WriterWatch watch = new WriterWatch(base, STALL);
        assertThat(watch.lockHolder()).as("no lock file").isEqualTo(-1);

        long self = ProcessHandle.current().pid();
        Files.writeString(dir.resolve("run.h5.lock"), "pid " + self);
        assertThat(watch.lockHolder()).isEqualTo(self);

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("run.h5.lock"), "pid " + gone.pid());
        assertThat(watch.lockHolder()).as("a dead holder").isEqualTo(-1);

        Files.writeString(dir.resolve("run.h5.lock"), "garbage");
        assertThat(watch.lockHolder()).isEqualTo(-1);
    }

    @Test
    void the_lock_holder_is_read_from_the_lock_file_a_real_writer_lock_writes(@TempDir Path dir) throws Exception {
        // Regression: the writer's lock file became "pid N token T" and the page showed "no writer".
        Path base = dir.resolve("run.h5");
        WriterWatch watch = new WriterWatch(base, STALL);
        try (WriterLock lock = WriterLock.acquire(base)) {
            assertThat(watch.lockHolder()).isEqualTo(ProcessHandle.current().pid());
        }
        assertThat(watch.lockHolder()).as("released: the lock file is gone").isEqualTo(-1);
    }
}
