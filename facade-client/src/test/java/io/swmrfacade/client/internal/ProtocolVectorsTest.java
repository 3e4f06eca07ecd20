package io.swmrfacade.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of docs/PROTOCOL.md, read from the page itself, hold for the Java client: the
 * partition a session's results land on, and the UUIDv7 layout of ids. Python's client checks the
 * same rows (clients/python/tests/test_protocol.py), so both agree with the page and each other.
 */
class ProtocolVectorsTest {

    private static final Path PROTOCOL = Path.of("..", "docs", "PROTOCOL.md");
    private static final int[] PARTITION_COUNTS = {1, 3, 6, 12};

    @Test
    void murmur2_vectors_match_kafkas_hash_and_the_partition_the_client_reads() throws IOException {
        List<String[]> rows = table("murmur2");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
        for (String[] row : rows) {
            byte[] key = unquote(row[0]).getBytes(StandardCharsets.UTF_8);
            assertThat(Utils.murmur2(key)).as("murmur2 of %s", row[0]).isEqualTo(Integer.parseInt(row[1]));
            for (int i = 0; i < PARTITION_COUNTS.length; i++) {
                assertThat(Partitions.forKey(key, PARTITION_COUNTS[i])).as("partition of %s among %d", row[0], PARTITION_COUNTS[i])
                        .isEqualTo(Integer.parseInt(row[2 + i]));
            }
        }
    }

    @Test
    void uuid7_vectors_have_the_layout_and_time_the_client_reads() throws IOException {
        List<String[]> rows = table("uuid7");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
        for (String[] row : rows) {
            long ms = Long.parseLong(row[0]);
            long counter = Long.parseLong(row[1]);
            long random = Long.parseUnsignedLong(row[2], 16);
            String id = row[3];
            long hi = (ms << 16) | 0x7000L | counter;
            long lo = random | 0x8000000000000000L;
            assertThat(new UUID(hi, lo).toString()).as("UUID text of %s", id).isEqualTo(id);
            assertThat(TimeOrderedIds.isValid(id)).as("valid: %s", id).isTrue();
            assertThat(TimeOrderedIds.instantOf(id).toEpochMilli()).isEqualTo(ms);
        }
        // And what the client makes has that layout: version 7, variant 10, the time of now.
        long before = System.currentTimeMillis();
        UUID made = UUID.fromString(TimeOrderedIds.next());
        assertThat(made.version()).isEqualTo(7);
        assertThat(made.variant()).isEqualTo(2);
        assertThat(made.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis() + 1);
    }

    /** The data rows of the table that follows {@code <!-- vectors:NAME}, without its header lines. */
    private static List<String[]> table(String name) throws IOException {
        List<String> lines = Files.readAllLines(PROTOCOL, StandardCharsets.UTF_8);
        List<String[]> rows = new ArrayList<>();
        boolean inside = false;
        int seen = 0;
        for (String line : lines) {
            if (line.startsWith("<!-- vectors:" + name + " ")) {
                inside = true;
            } else if (inside && line.startsWith("<!-- end vectors")) {
                break;
            } else if (inside && line.startsWith("|") && seen++ >= 2) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].trim();
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    private static String unquote(String cell) {
        assertThat(cell).startsWith("\"").endsWith("\"");
        return cell.substring(1, cell.length() - 1);
    }
}
