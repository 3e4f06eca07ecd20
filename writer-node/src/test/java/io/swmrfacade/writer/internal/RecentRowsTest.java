package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.swmr.SwmrWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentRowsTest {

    private record Row(SwmrWriter.RowLocation at, long written) {
    }

    /**
     * The window against a map in insertion order (what it replaced): the same rows held, the
     * same rows retired in the same order, through ids that collide, repeat, and wrap the ring.
     */
    @Test
    void it_holds_and_retires_what_an_insertion_ordered_map_of_the_same_capacity_would() {
        for (int capacity : new int[] {1, 2, 7, 64, 1000}) {
            Random random = new Random(capacity);
            RecentRows window = new RecentRows(capacity);
            LinkedHashMap<String, Row> model = new LinkedHashMap<>();
            List<String> retired = new ArrayList<>();
            List<String> modelRetired = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            Path[] files = {Path.of("/d/run.h5"), Path.of("/d/run.1.h5")};
            for (int i = 0; i < 20_000; i++) {
                // "Aa" and "BB" have the same String.hashCode: ids built from them collide in bulk.
                String id = random.nextInt(10) == 0 && !seen.isEmpty() ? seen.get(random.nextInt(seen.size()))
                        : (random.nextBoolean() ? "Aa" : "BB") + (random.nextBoolean() ? "Aa" : "BB") + (i % 97);
                seen.add(id);
                int segment = random.nextInt(2);
                SwmrWriter.RowLocation at = new SwmrWriter.RowLocation(segment, files[segment], i);
                window.put(at, id, i * 10L, (retiredId, where, written) -> {
                    retired.add(retiredId + "@" + where.row() + "/" + written);
                });
                model.put(id, new Row(at, i * 10L));
                if (model.size() > capacity) {
                    Iterator<Map.Entry<String, Row>> eldest = model.entrySet().iterator();
                    Map.Entry<String, Row> e = eldest.next();
                    eldest.remove();
                    modelRetired.add(e.getKey() + "@" + e.getValue().at().row() + "/" + e.getValue().written());
                }
                assertThat(window.size()).isEqualTo(model.size());
                String probe = seen.get(random.nextInt(seen.size()));
                Row expected = model.get(probe);
                assertThat(window.get(probe)).as("capacity %d, step %d, id %s", capacity, i, probe)
                        .isEqualTo(expected == null ? null : expected.at());
            }
            assertThat(retired).isEqualTo(modelRetired);
            for (Map.Entry<String, Row> e : model.entrySet()) {
                assertThat(window.get(e.getKey())).isEqualTo(e.getValue().at());
            }
            assertThat(window.get("never-put")).isNull();
        }
    }
}
