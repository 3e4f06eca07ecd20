package io.swmrfacade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every registered command, taken from the command tree itself so commands added later are
 * covered too, explains itself: {@code --help}, {@code -h} and {@code sf help CMD} print its
 * usage with each option's default and exit 0, before any required option is checked and without
 * running the command (were {@code sf help writer} to start a writer, these calls would not return).
 */
class HelpTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run sf(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void help_h_and_sf_help_print_usage_with_defaults_for_every_command() {
        List<CommandSpec> commands = commands(Main.commandLine().getCommandSpec(), new ArrayList<>());
        assertThat(commands).extracting(CommandSpec::name)
                .contains("broker", "coordinator", "writer", "reader", "submit", "collect", "results", "demo");
        for (CommandSpec c : commands) {
            List<String> path = List.of(c.qualifiedName().split(" ")).subList(1, c.qualifiedName().split(" ").length);
            List<List<String>> asks = List.of(with(path, "--help"), with(path, "-h"), with(List.of("help"), path));
            for (List<String> ask : asks) {
                if (ask.get(0).equals("help") && path.size() > 1) {
                    continue; // sf help names top-level commands only
                }
                Run r = sf(ask.toArray(String[]::new));
                String what = "sf " + String.join(" ", ask) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
                assertThat(r.exit).as(what).isZero();
                assertThat(r.err).as(what).isEmpty();
                assertThat(r.out).as(what).contains("Usage: " + c.qualifiedName() + " ");
                for (OptionSpec o : c.options()) {
                    if (o.hidden()) {
                        continue;
                    }
                    assertThat(r.out).as(what).contains(o.longestName());
                    assertThat(showsDefault(c, o)).as("%s %s shows its default", c.qualifiedName(), o.longestName()).isTrue();
                }
            }
        }
    }

    @Test
    void usage_errors_name_the_command_once() {
        Run none = sf("no-such-command");
        assertThat(none.exit).isEqualTo(Main.USAGE);
        assertThat(none.err).contains("Try 'sf --help'").doesNotContain("sf sf");
        Run submit = sf("submit");
        assertThat(submit.exit).isEqualTo(Main.USAGE);
        assertThat(submit.err).contains("Missing required option: '--type=<type>'").contains("Try 'sf submit --help'");
        Run help = sf("help");
        assertThat(help.exit).isZero();
        assertThat(help.out).startsWith("Usage: sf ").contains("submit").doesNotContain("sf sf");
    }

    /** A flag is off unless given; a required option has none; any other shows one, from picocli or its text. */
    private static boolean showsDefault(CommandSpec c, OptionSpec o) {
        if (o.usageHelp() || o.versionHelp() || o.required() || o.arity().max() == 0) {
            return true;
        }
        String given = o.defaultValue();
        boolean shownByPicocli = c.usageMessage().showDefaultValues() && given != null && !given.isEmpty();
        return shownByPicocli || String.join(" ", o.description()).toLowerCase(Locale.ROOT).contains("default");
    }

    private static List<CommandSpec> commands(CommandSpec spec, List<CommandSpec> into) {
        for (CommandLine sub : spec.subcommands().values()) {
            if (!into.contains(sub.getCommandSpec())) {
                into.add(sub.getCommandSpec());
                commands(sub.getCommandSpec(), into);
            }
        }
        return into;
    }

    private static List<String> with(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    private static List<String> with(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
