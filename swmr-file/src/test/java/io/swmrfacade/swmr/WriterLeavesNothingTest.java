package io.swmrfacade.swmr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that refuses a file, or stops, leaves no {@code <file>.lock} (nor anything else)
 * beside it. Regression: every refusal used to leave the lock file behind.
 */
class WriterLeavesNothingTest {

    @TempDir
    Path dir;

    @Test
    void a_file_that_is_not_hdf5_is_refused_and_no_lock_file_is_left() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.h5"), "this is not HDF5");
        assertRefusedLeavingOnly(file, List.of("notes.h5"));
        assertThat(Files.readString(file)).isEqualTo("this is not HDF5");
    }

    @Test
    void a_foreign_hdf5_file_is_refused_and_no_lock_file_is_left() throws Exception {
        Path file = dir.resolve("theirs.h5");
        Hdf5Library.load();
        H5.H5Fclose(H5.H5Fcreate(file.toString(), HDF5Constants.H5F_ACC_TRUNC, HDF5Constants.H5P_DEFAULT, HDF5Constants.H5P_DEFAULT));
        byte[] before = Files.readAllBytes(file);
        assertRefusedLeavingOnly(file, List.of("theirs.h5"));
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void a_directory_is_refused_and_no_lock_file_is_left() throws Exception {
        Path file = Files.createDirectory(dir.resolve("run.h5"));
        assertRefusedLeavingOnly(file, List.of("run.h5"));
    }

    @Test
    void a_read_only_file_is_refused_and_no_lock_file_is_left() throws Exception {
        Path file = dir.resolve("ro.h5");
        SwmrWriter.open(file, "w1", Clock.systemUTC()).close();
        boolean immutable = makeReadOnly(file);
        try {
            assertRefusedLeavingOnly(file, List.of("ro.h5"));
        } finally {
            if (immutable) {
                run("chattr", "-i", file.toString());
            }
        }
    }

    @Test
    void a_writer_that_closes_leaves_only_its_file_and_the_next_one_can_lock_it() {
        Path file = dir.resolve("ok.h5");
        SwmrWriter.open(file, "w1", Clock.systemUTC()).close();
        assertThat(names()).containsExactly("ok.h5");
        try (SwmrWriter w = SwmrWriter.open(file, "w2", Clock.systemUTC())) {
            assertThat(names()).containsExactly("ok.h5", "ok.h5.lock");
            assertThatThrownBy(() -> SwmrWriter.open(file, "w3", Clock.systemUTC())).hasMessageContaining("another writer");
            assertThat(names()).as("a refused second writer leaves the first one's lock in place").containsExactly("ok.h5", "ok.h5.lock");
        }
        assertThat(names()).containsExactly("ok.h5");
    }

    private void assertRefusedLeavingOnly(Path file, List<String> expected) {
        assertThatThrownBy(() -> SwmrWriter.open(file, "w1", Clock.systemUTC())).isInstanceOf(SwmrFileException.class)
                .hasMessageContaining(file.toString());
        assertThat(names()).as("files beside a refused %s", file.getFileName()).containsExactlyElementsOf(expected);
    }

    private List<String> names() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** r--r--r--; as root, which writes anyway, also immutable (chattr +i). Returns whether it set the latter. */
    private static boolean makeReadOnly(Path file) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        assumeTrue(run("chattr", "+i", file.toString()), "running as root without chattr: cannot make a file read-only");
        return true;
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
