package io.swmrfacade.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import hdf.hdf5lib.H5;
import hdf.hdf5lib.HDF5Constants;
import io.swmrfacade.swmr.Hdf5Library;
import io.swmrfacade.swmr.SwmrFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file the reader cannot follow gives one clear error line and a FAILED state, quickly: no hang, no spin. */
class ReaderRefusesBadFilesIT {

    private static final Duration FAIL_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void a_text_file_fails_with_a_clear_error() throws Exception {
        Path file = dir.resolve("notes.h5");
        Files.writeString(file, "these are my notes, not HDF5\n");
        assertFailsClearly(file, "cannot open for SWMR reading");
        assertThat(Files.readString(file)).isEqualTo("these are my notes, not HDF5\n");
    }

    @Test
    void a_file_with_an_hdf5_signature_and_garbage_after_it_fails_with_a_clear_error() throws Exception {
        Path file = dir.resolve("garbage.h5");
        byte[] bytes = new byte[64 * 1024];
        new Random(42).nextBytes(bytes);
        byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(signature, 0, bytes, 0, signature.length);
        Files.write(file, bytes);
        assertFailsClearly(file, "cannot open for SWMR reading");
    }

    @Test
    void a_valid_hdf5_file_of_someone_else_fails_as_not_a_swmr_facade_file() throws Exception {
        Path file = dir.resolve("foreign.h5");
        Hdf5Library.load();
        long fapl = H5.H5Pcreate(HDF5Constants.H5P_FILE_ACCESS);
        H5.H5Pset_libver_bounds(fapl, HDF5Constants.H5F_LIBVER_V110, HDF5Constants.H5F_LIBVER_V110);
        H5.H5Fclose(H5.H5Fcreate(file.toString(), HDF5Constants.H5F_ACC_TRUNC, HDF5Constants.H5P_DEFAULT, fapl));
        H5.H5Pclose(fapl);
        assertFailsClearly(file, "not a swmr-facade file");
    }

    @Test
    void a_file_that_never_appears_fails_after_the_open_timeout() throws Exception {
        Path file = dir.resolve("never.h5");
        ReaderTestSupport.Console console = new ReaderTestSupport.Console();
        try (ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, Map.of(ReaderConfig.OPEN_TIMEOUT_MS, 300)),
                Clock.systemDefaultZone(), console.stream)) {
            assertThat(reader.awaitTermination(FAIL_WITHIN)).isTrue();
            assertThat(reader.failure()).hasValueSatisfying(e -> assertThat(e.reason())
                    .isEqualTo(file + " did not appear within 300 ms (reader.open.timeout.ms)"));
        }
        assertThat(console.text()).contains("waiting for " + file, "ERROR " + file + " did not appear");
    }

    private static void assertFailsClearly(Path file, String reason) throws Exception {
        ReaderTestSupport.Console console = new ReaderTestSupport.Console();
        try (ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(file, Map.of()), Clock.systemDefaultZone(), console.stream)) {
            assertThat(reader.awaitTermination(FAIL_WITHIN)).as("the follow thread ends on the error").isTrue();
            ReaderException e = reader.failure().orElseThrow();
            assertThat(e.reason()).contains(reason, file.toString()).doesNotContain("\n");
            assertThat(e.readerId().value()).isEqualTo("reader-it");
            assertThat(e.getCause()).isInstanceOf(SwmrFileException.class);
            assertThat(reader.snapshot().state()).isEqualTo(Snapshot.State.FAILED);
            JsonNode json = ReaderTestSupport.status(reader.port());
            assertThat(json.get("state").asText()).isEqualTo("FAILED");
            assertThat(json.get("error").asText()).isEqualTo(e.reason());
        }
        String text = console.text();
        assertThat(text.lines().filter(l -> l.contains("ERROR"))).singleElement().asString()
                .startsWith("[reader-it] ").contains("ERROR " + reason);
    }

    @Test
    void close_is_bounded_while_waiting_for_a_file() throws Exception {
        ReaderNode reader = ReaderNode.start(ReaderTestSupport.config(dir.resolve("later.h5"), Map.of()),
                Clock.systemDefaultZone(), new ReaderTestSupport.Console().stream);
        await().atMost(FAIL_WITHIN).until(() -> reader.snapshot().state() == Snapshot.State.WAITING);
        long start = System.nanoTime();
        reader.close(Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(reader.awaitTermination(Duration.ofMillis(1))).isTrue();
        assertThat(reader.snapshot().state()).isEqualTo(Snapshot.State.STOPPED);
        assertThat(reader.failure()).isEmpty();
    }
}
