package io.swmrfacade.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency of the client: a facade built, used and closed without a
 * registry must work on a class path that has no Micrometer at all. Run in a child JVM whose
 * class path is this one minus the Micrometer jars.
 */
class FacadeWithoutMicrometerTest {

    @Test
    void a_facade_works_without_micrometer_on_the_class_path() throws Exception {
        List<String> all = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(all).as("the test class path has Micrometer, so removing it means something").anyMatch(e -> e.contains("micrometer"));
        String withoutMicrometer = all.stream().filter(e -> !e.contains("micrometer")).collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", withoutMicrometer, Main.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("no micrometer").contains("not sent: 1");
    }

    /** The child: no broker listens at its bootstrap, so its one task ends NOT_SENT at close. */
    public static final class Main {
        public static void main(String[] args) {
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                System.out.println("micrometer is on the class path");
                System.exit(2);
            } catch (ClassNotFoundException expected) {
                System.out.println("no micrometer");
            }
            try (TaskFacade facade = TaskFacade.builder().bootstrap("127.0.0.1:1").build()) {
                facade.submit(Task.of("echo", "x"));
                System.out.println("not sent: " + facade.close(Duration.ofSeconds(2)).size());
            }
        }
    }
}
