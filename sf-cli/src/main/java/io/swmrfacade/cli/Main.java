package io.swmrfacade.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sf} command. Each subcommand is one role or one client action; errors are one line
 * on stderr, never a stack trace (set {@code SF_DEBUG=1} for those).
 *
 * <p>Exit codes: 0 success; 1 some task did not succeed; 2 bad usage; 3 results still missing
 * at the timeout; 4 anything else went wrong (broker unreachable, bad file...).
 */
@Command(name = "sf", mixinStandardHelpOptions = true, version = "swmr-facade 0.1.0",
        description = "Durable, distributed multiprocessing on Apache Kafka, with a single-writer SWMR HDF5 file.",
        subcommands = {BrokerCommand.class, CoordinatorCommand.class, WriterCommand.class, ReaderCommand.class,
                SubmitCommand.class, CollectCommand.class, ResultsCommand.class, DemoCommand.class,
                DeadLettersCommand.class})
public final class Main {

    public static final int TASKS_FAILED = 1;
    public static final int USAGE = 2;
    public static final int MISSING = 3;
    public static final int ERROR = 4;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handling, for running sf in a JVM of one's own (tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
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
            e.getCommandLine().getErr().println("Try 'sf " + e.getCommandLine().getCommandName() + " --help'.");
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
