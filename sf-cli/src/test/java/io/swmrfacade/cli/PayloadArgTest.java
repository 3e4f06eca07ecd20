package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.proto.v1.AppendPayload;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadArgTest {

    private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]) {
        @Override
        public byte[] readAllBytes() {
            throw new AssertionError("stdin read for a payload that is not -");
        }
    };

    @TempDir
    Path dir;

    @Test
    void text_is_its_own_utf8_bytes() {
        assertThat(PayloadArg.read("0.5", NO_STDIN)).isEqualTo("0.5".getBytes(StandardCharsets.UTF_8));
        assertThat(PayloadArg.read("", NO_STDIN)).isEmpty();
    }

    @Test
    void a_file_gives_its_bytes_as_they_are_quotes_newlines_and_all() throws Exception {
        byte[] json = "{\"stream\":\"/a/b/Ex\",\n \"note\":\"it's \\\"quoted\\\"\",\t\"values\":[1,2]}\n".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("payload.json"), json);
        assertThat(PayloadArg.read("@" + file, NO_STDIN)).isEqualTo(json);
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        assertThat(PayloadArg.read("@" + Files.write(dir.resolve("bin"), binary), NO_STDIN)).isEqualTo(binary);
    }

    @Test
    void dash_reads_standard_input() {
        byte[] in = "line one\nline \"two\"\n".getBytes(StandardCharsets.UTF_8);
        assertThat(PayloadArg.read("-", new ByteArrayInputStream(in))).isEqualTo(in);
    }

    @Test
    void an_append_of_a_million_values_from_a_file_far_beyond_the_argument_limit() throws Exception {
        int n = 1_000_000;
        StringJoiner values = new StringJoiner(",", "{\"stream\":\"/s/MT001/run_001/Ex\",\"dtype\":\"int32\",\"values\":[", "]}");
        for (int i = 0; i < n; i++) {
            values.add(Integer.toString(i - 500_000));
        }
        Path file = Files.writeString(dir.resolve("million.json"), values.toString());
        assertThat(Files.size(file)).isGreaterThan(128 * 1024 * 50);
        AppendPayload p = AppendPayload.parseFrom(AppendJson.parse(new String(PayloadArg.read("@" + file, NO_STDIN), StandardCharsets.UTF_8)));
        ByteBuffer samples = p.getSamples().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(samples.remaining()).isEqualTo(4 * n);
        for (int i = 0; i < n; i++) {
            assertThat(samples.getInt()).isEqualTo(i - 500_000);
        }
    }

    @Test
    void a_missing_file_is_named() {
        assertThatThrownBy(() -> PayloadArg.read("@" + dir.resolve("nope.json"), NO_STDIN))
                .hasMessageContaining("--payload @").hasMessageContaining("no such file").hasMessageContaining("nope.json");
    }

    @Test
    void from_lines_are_tasks_and_a_bad_line_is_named_before_anything_is_sent() {
        String text = "{\"type\":\"echo\",\"payload\":\"say \\\"hi\\\"\"}\n\n"
                + "{\"payload\":\"0.5\",\"routing_key\":\"k\"}\n"
                + "{\"type\":\"append\",\"payload\":{\"stream\":\"/a/b/Ex\",\"dtype\":\"float64\",\"values\":[1.5]}}\n";
        List<TaskLines.Line> lines = TaskLines.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", "sleep");
        assertThat(lines).extracting(TaskLines.Line::type).containsExactly("echo", "sleep", "append");
        assertThat(new String(lines.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("say \"hi\"");
        assertThat(lines.get(1).routingKey()).isEqualTo("k");
        assertThat(lines.get(2).number()).isEqualTo(4);

        String bad = "{\"type\":\"echo\",\"payload\":\"ok\"}\n{\"type\":\"echo\",\"payload\":\"x\",\"extra\":1}\n";
        assertThatThrownBy(() -> TaskLines.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), "tasks.jsonl", null))
                .hasMessageContaining("--from tasks.jsonl line 2").hasMessageContaining("unknown field \"extra\"");
        assertThatThrownBy(() -> TaskLines.read(new ByteArrayInputStream("{\"payload\":\"x\"}".getBytes(StandardCharsets.UTF_8)), "-", null))
                .hasMessageContaining("line 1").hasMessageContaining("no \"type\"");
        assertThatThrownBy(() -> TaskLines.read(new ByteArrayInputStream("not json\n".getBytes(StandardCharsets.UTF_8)), "-", "echo"))
                .hasMessageContaining("line 1: not JSON");
    }
}
