package io.swmrfacade.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swmrfacade.cli.Main;
import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskStatus;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.writer.WriterNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sf dead-letters} and {@code sf dead-letters replay} on a real broker and writer: records
 * on the tasks topic that are not tasks are listed with their reason and bytes, and a replay runs
 * once, however often it is asked for.
 */
class DeadLettersIT {

    private static final byte[] GARBAGE = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x00, (byte) 0xff, 0x13, 0x37};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void garbage_is_listed_with_reason_and_hex_and_a_fixed_replay_runs_exactly_once() throws Exception {
        try (Installation sf = new Installation("deadletters", 2);
             WriterNode writer = sf.writer(dir.resolve("dl.h5"), "dl-writer")) {
            RecordMetadata garbage = produce(sf, "garbage-key".getBytes(StandardCharsets.UTF_8), GARBAGE);
            // A task without ids: it parses, but no result can be sent for it, so it is dead-lettered too.
            RecordMetadata noIds = produce(sf, null, TaskRequest.newBuilder().setType("echo")
                    .setPayload(com.google.protobuf.ByteString.copyFromUtf8("as it was")).build().toByteArray());

            List<JsonNode> letters = new ArrayList<>();
            Awaitility.await("two dead letters listed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        letters.clear();
                        Run list = sf(sf, "dead-letters", "--json", "--timeout=10s");
                        assertThat(list.exit).as(list.err).isZero();
                        for (String line : list.out.lines().toList()) {
                            letters.add(JSON.readTree(line));
                        }
                        return letters.size() == 2;
                    });
            JsonNode g = letters.stream().filter(l -> l.get("source").get("offset").asLong() == garbage.offset()
                    && l.get("source").get("partition").asInt() == garbage.partition()).findFirst().orElseThrow();
            assertThat(g.get("source").get("topic").asText()).isEqualTo(sf.prefix + "tasks");
            assertThat(g.get("reason").asText()).startsWith("not a TaskRequest");
            assertThat(g.get("value_hex").asText()).isEqualTo(HexFormat.of().formatHex(GARBAGE));
            assertThat(g.get("key_hex").asText()).isEqualTo(HexFormat.of().formatHex("garbage-key".getBytes(StandardCharsets.UTF_8)));
            assertThat(g.get("worker").asText()).isEqualTo("dl-writer");
            assertThat(g.get("task_request").isNull()).isTrue();
            JsonNode n = letters.stream().filter(l -> l != g).findFirst().orElseThrow();
            assertThat(n.get("source").get("offset").asLong()).isEqualTo(noIds.offset());
            assertThat(n.get("task_request").get("type").asText()).isEqualTo("echo");
            assertThat(n.get("task_request").get("payload_text").asText()).isEqualTo("as it was");

            // An independent reader agrees on where the dead letters are: kcat sees the same offsets as the ids.
            if (Files.isExecutable(Path.of("/usr/bin/kcat"))) {
                Process kcat = new ProcessBuilder("/usr/bin/kcat", "-C", "-b", sf.bootstrap, "-t", sf.prefix + "dead-letter",
                        "-o", "beginning", "-e", "-q", "-f", "%p-%o\\n").redirectErrorStream(true).start();
                String ids = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(ids.lines().toList()).containsExactlyInAnyOrder(g.get("id").asText(), n.get("id").asText());
            }

            Run text = sf(sf, "dead-letters", "--timeout=10s");
            assertThat(text.out).contains(g.get("id").asText() + "  ").contains("de ad be ef 00 ff 13 37")
                    .contains("from " + sf.prefix + "tasks-" + garbage.partition() + "@" + garbage.offset())
                    .contains("value: TaskRequest type=echo");

            String id = g.get("id").asText();
            Run noType = sf(sf, "dead-letters", "replay", id, "--timeout=30s");
            assertThat(noType.exit).as("garbage cannot be replayed as it was: %s", noType.err).isEqualTo(Main.USAGE);
            assertThat(noType.err).contains("holds no task").contains("--type");

            Path fixed = Files.writeString(dir.resolve("fixed.txt"), "fixed payload");
            Run first = sf(sf, "dead-letters", "replay", id, "--type=echo", "--payload=@" + fixed, "--timeout=60s");
            assertThat(first.exit).as(first.out + first.err).isZero();
            Matcher replayed = Pattern.compile("replayed dead letter " + id + " as task (\\S+) .* in session (\\S+)").matcher(first.out);
            assertThat(replayed.find()).as(first.out).isTrue();
            String task = replayed.group(1);
            String session = replayed.group(2);
            assertThat(first.out).contains(task + "  OK").contains("fixed payload");

            Run second = sf(sf, "dead-letters", "replay", id, "--type=echo", "--payload=@" + fixed, "--timeout=60s");
            assertThat(second.exit).as(second.out + second.err).isZero();
            assertThat(second.out).contains("dead letter " + id + " was already replayed as task " + task)
                    .doesNotContain("replayed dead letter").contains(task + "  OK");

            try (TaskFacade resumed = sf.facade().resume(new SessionId(session)).build()) {
                CollectResult all = resumed.collect(Duration.ofSeconds(30));
                assertThat(all.complete()).isTrue();
                assertThat(all.results()).as("one task, one result, after two replays").hasSize(1);
                assertThat(all.results().get(0).id().value()).isEqualTo(task);
                assertThat(all.results().get(0).outputText()).isEqualTo("fixed payload");
            }

            Run asItWas = sf(sf, "dead-letters", "replay", n.get("id").asText(), "--json", "--timeout=60s");
            assertThat(asItWas.exit).as(asItWas.out + asItWas.err).isZero();
            JsonNode result = JSON.readTree(asItWas.out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
            assertThat(result.get("status").asText()).isEqualTo(TaskStatus.OK.name());
            assertThat(result.get("output").asText()).isEqualTo("as it was");
            assertThat(writer.failure()).as("the writer survived the garbage").isNull();
        }
    }

    @Test
    void replay_of_an_id_that_is_not_there_says_so_and_submits_nothing() throws Exception {
        try (Installation sf = new Installation("deadletters-none", 1)) {
            Run missing = sf(sf, "dead-letters", "replay", "0-99", "--timeout=10s");
            assertThat(missing.exit).isEqualTo(Main.ERROR);
            Run bad = sf(sf, "dead-letters", "replay", "seventeen", "--timeout=10s");
            assertThat(bad.exit).isEqualTo(Main.ERROR);
            assertThat(bad.err).contains("'seventeen' is not PARTITION-OFFSET");
            Run none = sf(sf, "dead-letters", "--timeout=10s");
            assertThat(none.exit).isZero();
            assertThat(none.out).isEmpty();
        }
    }

    private static RecordMetadata produce(Installation sf, byte[] key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sf.bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            return p.send(new ProducerRecord<>(sf.prefix + "tasks", key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    /** The sf command line in this JVM, as Main runs it, with its output captured. */
    private static Run sf(Installation sf, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap=" + sf.bootstrap);
        all.add("--topic-prefix=" + sf.prefix);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
