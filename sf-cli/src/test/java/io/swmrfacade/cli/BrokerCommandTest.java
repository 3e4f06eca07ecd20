package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The option rules of {@code sf broker}, the same with and without --secure; checked before anything starts. */
class BrokerCommandTest {

    @Test
    void secure_takes_the_cluster_options_under_the_same_rules_as_the_plain_cluster() {
        for (String secure : new String[] {"--timeout=60s", "--secure"}) {
            assertThat(usage("broker", "start", secure, "--nodes", "2")).contains("--nodes must be 1 or 3, was 2");
            assertThat(usage("broker", "stop", secure, "--node", "4")).contains("--node must be from 1 to 3, was 4");
            assertThat(usage("broker", "stop", secure, "--kill")).contains("--kill goes with `stop --node K`");
            assertThat(usage("broker", "status", secure, "--node", "1")).contains("--node goes with start or stop, not status");
            assertThat(usage("broker", "start", secure, "--port", "29192")).contains("--port goes with `start --nodes 3`");
        }
    }

    /** The command's stderr, which must come with the usage exit code. */
    private static String usage(String... args) {
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertThat(exit).as(String.join(" ", args) + ": " + err).isEqualTo(Main.USAGE);
        return err.toString();
    }
}
