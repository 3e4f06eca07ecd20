package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swmrfacade.monitor.InstallationView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitorCommandTest {

    private static final InstallationView EMPTY = new InstallationView(1_700_000_000_000_000L, "b:9092", "sf.", "sf.writers",
            List.of(), List.of(), List.of(), 0, Map.of(), 0, List.of(), List.of());

    private static String print(boolean json, boolean terminal, int views) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        for (int i = 0; i < views; i++) {
            MonitorCommand.printer(out, json, terminal).accept(EMPTY);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_terminal_gets_each_view_redrawn_in_place() {
        String out = print(false, true, 2);
        assertThat(out).startsWith("\033[H\033[2J").contains("HEALTHY");
        assertThat(out.split("\033\\[H\033\\[2J", -1)).hasSize(3);
    }

    @Test
    void a_pipe_gets_plain_blocks_without_escape_codes() {
        String out = print(false, false, 2);
        assertThat(out).doesNotContain("\033").contains("\n\n");
        assertThat(out.split("\n\n")).hasSize(2);
    }

    @Test
    void json_is_one_view_per_line() {
        String[] lines = print(true, false, 3).split("\n");
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"atUs\":").endsWith("}"));
    }
}
