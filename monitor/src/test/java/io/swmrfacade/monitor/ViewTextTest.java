package io.swmrfacade.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewTextTest {

    private static InstallationView view(String w1State, String owner1) {
        List<PartitionView> parts = List.of(new PartitionView(0, "w1", 10, 12, 2), new PartitionView(1, owner1, -1, 5, 5));
        WriterView w1 = new WriterView("w1", "hostA", "10.77.0.3", "/data/w1.h5", 42, w1State, 300, 12.5, 3, 1000,
                1_700_000_000_000_000L, parts.stream().filter(p -> p.owner().equals("w1")).toList());
        List<String> problems = owner1.isEmpty() ? List.of("tasks partition 1 has no consumer (lag 5)") : List.of();
        return new InstallationView(1_700_000_001_000_000L, "10.77.0.2:9092", "sf.", "sf.writers", List.of(w1),
                List.of(new ReaderView("r1", "hostB", "/data/w1.h5", 0, 990, 980, 10,
                        List.of(new ReaderView.Stream("/s/Ex", "float32", 4096)), 1200)),
                parts, 1007, Map.of("OK", 1000L, "SUBMITTED", 7L), 1,
                List.of(new DeadLetterView(1_700_000_000_500_000L, "sf.tasks", 1, 77, "", "w1", "not a TaskRequest")), problems);
    }

    @Test
    void lines_show_each_writer_partition_reader_and_dead_letter() {
        List<String> lines = ViewText.lines(view("ALIVE", "w1"));
        String all = String.join("\n", lines);
        assertThat(lines.get(0)).contains("sf.", "10.77.0.2:9092", "HEALTHY").doesNotContain("NOT HEALTHY");
        assertThat(all).contains("w1", "ALIVE", "hostA/10.77.0.3", "12.5", "/data/w1.h5", "0:2 1:5")
                .contains("0=w1/lag 2, 1=w1/lag 5")
                .contains("r1", "990 rows", "OK=1000 SUBMITTED=7")
                .contains("dead letters 1", "sf.tasks/1@77", "not a TaskRequest");
    }

    @Test
    void an_unhealthy_view_says_why_and_names_the_partition_without_a_consumer() {
        InstallationView v = view("DEAD", "");
        assertThat(v.healthy()).isFalse();
        assertThat(ViewText.lines(v).get(0)).contains("NOT HEALTHY");
        assertThat(ViewText.lines(v).get(1)).contains("! tasks partition 1 has no consumer");
        assertThat(String.join("\n", ViewText.lines(v))).contains("1=NONE/lag 5");
    }

    @Test
    void json_carries_health_and_each_writers_lag() {
        String json = ViewText.json(view("ALIVE", "w1"));
        assertThat(json).startsWith("{").doesNotContain("\n")
                .contains("\"healthy\":true", "\"lag\":7", "\"state\":\"ALIVE\"", "\"address\":\"10.77.0.3\"",
                        "\"lastFlushUs\":1700000000000000", "\"tasksByState\":{");
        assertThat(ViewText.json(view("DEAD", ""))).contains("\"healthy\":false", "has no consumer");
    }
}
