package io.swmrfacade.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sf} command. Each subcommand is one role or one client action; errors are one line
 * on stderr, never a stack trace (set {@code SF_DEBUG=1} for those).
 *
 * <p>Every command, present and future, inherits {@code -h/--help} and {@code -V/--version} and
 * shows each option's default in its usage ({@code scope = INHERIT}); {@code sf help CMD} prints
 * the same usage. A help request is answered before required options are checked, and never runs
 * the command.
 *
 * <p>Exit codes: 0 success; 1 some task did not succeed; 2 bad usage; 3 results still missing
 * at the timeout; 4 anything else went wrong (broker unreachable, bad file...); 130 Ctrl-C.
 */
@Command(name = "sf", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, showDefaultValues = true,
        version = "swmr-facade 0.1.0",
        description = "Durable, distributed multiprocessing on Apache Kafka, with a single-writer SWMR HDF5 file.",
        subcommands = {HelpCommand.class, BrokerCommand.class, CoordinatorCommand.class, WriterCommand.class,
                ReaderCommand.class, SubmitCommand.class, CollectCommand.class, ResultsCommand.class, DemoCommand.class,
                MonitorCommand.class, StatusCommand.class, DeadLettersCommand.class, UsersCommand.class, CancelCommand.class})
public final class Main {

    public static final int TASKS_FAILED = 1;
    public static final int USAGE = 2;
    public static final int MISSING = 3;
    public static final int ERROR = 4;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /**
     * The command tree, with every registered subcommand and the error handling of the sf
     * command: for running sf in a JVM of one's own (tests).
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // A payload is given as @FILE (see SubmitCommand): picocli must not expand it as an argument file.
        cli.setExpandAtFiles(false);
        cli.setExitCodeExceptionMapper(e -> ERROR);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sf " + cmd.getCommandName() + ": error: " + oneLine(e));
            if (System.getenv("SF_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return ERROR;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("sf: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cli;
    }

    /** The message of the innermost cause that has one, which is usually the one that says what happened. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                if (t instanceof io.swmrfacade.swmr.SwmrFileException || t instanceof org.apache.kafka.common.config.ConfigException) {
                    break;
                }
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ');
    }
}
