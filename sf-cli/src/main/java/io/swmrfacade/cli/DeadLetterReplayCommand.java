package io.swmrfacade.cli;

import io.swmrfacade.client.CollectResult;
import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.Task;
import io.swmrfacade.client.TaskFacade;
import io.swmrfacade.client.TaskHandle;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.proto.v1.TaskRequest;
import io.swmrfacade.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Re-submits one dead letter as a new task, once, and waits for its result. The task is the
 * dead-lettered one as it was, or fixed by the options; it runs in the dead letter's own session
 * ({@link DeadLetterSession}), so replaying the same id again submits nothing: it reports the task
 * the first replay submitted, and its result.
 *
 * <p>Exit code: 0 the task's result is OK; 1 it is not; 3 no result within {@code --timeout};
 * 2 bad usage (a dead letter that holds no task and no {@code --type}); 4 anything else.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {"Re-submit a dead letter once, as it was or fixed (--type, --payload, --value), and wait for its result.",
        "Replaying the same ID again submits nothing: it prints the task the first replay submitted and its result."})
final class DeadLetterReplayCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "ID", description = "The dead letter's id as sf dead-letters prints it: PARTITION-OFFSET (e.g. 0-17).")
    String id;

    @Option(names = "--type", description = "Run it as this task type (default: the dead letter's).")
    String type;

    @Option(names = "--payload", description = "Run it with this payload: TEXT, @FILE or - for stdin, bytes as they are (default: the dead letter's).")
    String payload;

    @Option(names = "--value", paramLabel = "FILE",
            description = "A corrected record value: a TaskRequest in protobuf binary; its type, payload and options are used (default: none).")
    Path value;

    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "60s",
            description = "How long to wait for the result (default: 60s).")
    Duration timeout;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        DeadLetterId letterId = DeadLetterId.parse(id);
        PrintWriter out = spec.commandLine().getOut();
        long deadline = System.nanoTime() + timeout.toNanos();
        DeadLetterRecord letter;
        try (DeadLetterTopic topic = new DeadLetterTopic(cluster.bootstrap(), cluster.kafka(), new Topics(cluster.topicPrefix()), timeout)) {
            letter = topic.read(letterId, timeout);
        }
        if (letter == null) {
            throw new IllegalArgumentException("no dead letter " + letterId + " on " + new Topics(cluster.topicPrefix()).deadLetter()
                    + " (see sf dead-letters)");
        }
        Task task = task(letter);
        SessionId session = DeadLetterSession.of(cluster.topicPrefix(), letterId, letter.letter().getAtUs());
        try (TaskFacade facade = cluster.facade()
                .resume(session).build()) {
            CollectResult before = facade.collect(Duration.ZERO);
            while (!before.sessionKnown() && System.nanoTime() - deadline < 0) {
                before = facade.collect(Duration.ofMillis(100));
            }
            if (!before.sessionKnown()) {
                throw new IllegalStateException("could not read the replay session " + session + " of dead letter " + letterId
                        + " within --timeout " + timeout + ", so it is not known whether it was replayed; nothing submitted");
            }
            if (!before.results().isEmpty() || !before.missing().isEmpty()) {
                String earlier = !before.results().isEmpty() ? before.results().get(0).id().value() : before.missing().get(0).value();
                out.println("dead letter " + letterId + " was already replayed as task " + earlier + " (session " + session
                        + "); not submitting it again");
            } else {
                TaskHandle h = facade.submit(task);
                out.println("replayed dead letter " + letterId + " as task " + h.id() + " (type " + task.type() + ", "
                        + task.payload().length + " bytes of payload) in session " + session);
            }
            out.flush();
            long left = Math.max(0, deadline - System.nanoTime());
            CollectResult all = facade.collect(Duration.ofNanos(left));
            for (TaskResult r : all.results()) {
                out.println(json ? ResultPrinter.json(r).toString() : ResultPrinter.line(r));
            }
            if (!all.missing().isEmpty()) {
                out.println("no result yet for " + all.missing() + " after --timeout " + timeout);
            }
            out.flush();
            return ResultPrinter.exitCode(all);
        }
    }

    /** The task to run: the dead letter's, with the options' fixes. */
    private Task task(DeadLetterRecord letter) throws IOException {
        TaskRequest base = letter.task();
        if (value != null) {
            base = DeadLetterRecord.parseTask(Files.readAllBytes(value));
            if (base == null) {
                throw new IllegalArgumentException("--value " + value + " does not parse as a TaskRequest with a type");
            }
        }
        String runType = type != null ? type : base != null ? base.getType() : null;
        if (runType == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "dead letter " + letter.id()
                    + " holds no task (" + letter.letter().getReason() + "): give --type and --payload, or --value FILE");
        }
        byte[] body = payload != null ? payloadBytes() : base != null ? base.getPayload().toByteArray() : new byte[0];
        Task t = Task.of(runType, body);
        if (base != null) {
            // Its options travel with it; not its deadline, which has usually passed by the time anyone replays it.
            t = t.withPriority(base.getPriority()).withRoutingKey(base.getRoutingKey()).withMaxAttempts(base.getMaxAttempts())
                    .withRetries(base.getRetries(), Duration.ofMillis(base.getRetryBackoffMs()));
        }
        return t;
    }

    private byte[] payloadBytes() throws IOException {
        return PayloadArg.read(payload, System.in);
    }
}
