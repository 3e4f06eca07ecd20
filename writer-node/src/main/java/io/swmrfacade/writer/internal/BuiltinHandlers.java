package io.swmrfacade.writer.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swmrfacade.proto.v1.AppendPayload;
import io.swmrfacade.swmr.SampleType;
import io.swmrfacade.swmr.StreamSpec;
import io.swmrfacade.writer.AppendPayloads;
import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.TaskRejectedException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The handlers every node has: echo, sleep, append, and (for fault tests only) crash. */
final class BuiltinHandlers {

    private BuiltinHandlers() {
    }

    static List<TaskHandler> all(boolean withCrash) {
        return withCrash ? List.of(new Echo(), new Sleep(), new Append(), new Crash())
                : List.of(new Echo(), new Sleep(), new Append());
    }

    /** Returns the payload unchanged. */
    static final class Echo implements TaskHandler {
        @Override
        public String type() {
            return "echo";
        }

        @Override
        public TaskOutput run(TaskInput input) {
            return TaskOutput.of(input.payload());
        }

        /** It returns at once, so its slots are held mostly by the round trips around it. */
        @Override
        public int maxConcurrency() {
            return 256;
        }

        /** A copy of the payload: microseconds, nothing to wait for. */
        @Override
        public boolean runsOnLoop() {
            return true;
        }
    }

    /** Sleeps for the payload's seconds, like seed 001's tasks: output "&lt;id&gt; solved after &lt;s&gt;". */
    static final class Sleep implements TaskHandler {
        static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(24 * 3600);

        @Override
        public String type() {
            return "sleep";
        }

        @Override
        public TaskOutput run(TaskInput input) throws InterruptedException {
            String text = new String(input.payload(), StandardCharsets.UTF_8).trim();
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw new TaskRejectedException("sleep payload must be a number of seconds, not '" + abbreviate(text) + "'");
            }
            if (seconds.signum() < 0 || seconds.compareTo(MAX_SECONDS) > 0) {
                throw new TaskRejectedException("sleep seconds must be between 0 and " + MAX_SECONDS + ", not " + text);
            }
            long nanos = seconds.movePointRight(9).longValue();
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return TaskOutput.of(input.taskId() + " solved after " + text);
        }

        @Override
        public int maxConcurrency() {
            return 16;
        }
    }

    /**
     * Appends the payload's samples to a stream dataset of the node's file. The payload is an
     * {@link AppendPayload} message, or its JSON form ({@link AppendPayloads}), whose every value
     * is checked against the dtype here whatever client sent it: one the dtype cannot hold
     * exactly makes the task REJECTED, naming its index and value. Packed samples hold only
     * values of their dtype by construction; NaN and infinities are float values and pass.
     */
    static final class Append implements TaskHandler, RunsOnLoopFor {

        /** Binary payloads up to this size run on the loop thread ({@link #runsOnLoop(ByteString)}). */
        static final int LOOP_BYTES = 1024 * 1024;

        @Override
        public String type() {
            return "append";
        }

        @Override
        public TaskOutput run(TaskInput input) {
            byte[] payload = input.payload();
            if (!AppendPayloads.isJson(payload)) {
                return append(parse(AliasedInput.of(payload)));
            }
            try {
                return append(AppendPayloads.fromJson(payload));
            } catch (IllegalArgumentException e) {
                throw new TaskRejectedException(e.getMessage());
            }
        }

        /** A binary payload, read where it lies: the samples are a view of the task's record until written. */
        @Override
        public TaskOutput runOnLoop(ByteString payload) {
            return append(parse(AliasedInput.of(payload)));
        }

        private static AppendPayload parse(CodedInputStream binary) {
            try {
                return AppendPayload.parser().parseFrom(binary);
            } catch (InvalidProtocolBufferException e) {
                throw new TaskRejectedException("append payload is neither an AppendPayload message nor its JSON form: "
                        + e.getMessage());
            }
        }

        private static TaskOutput append(AppendPayload p) {
            StreamSpec spec;
            try {
                SampleType type = SampleType.parse(p.getDtype());
                spec = new StreamSpec(p.getStream(), type, p.getUnits(), p.getSampleRateHz(), p.getStartTimeUs());
                if (p.getSamples().size() % type.size() != 0) {
                    throw new IllegalArgumentException(p.getSamples().size() + " bytes are not a whole number of "
                            + type.wireName() + " samples");
                }
            } catch (IllegalArgumentException e) {
                throw new TaskRejectedException(e.getMessage());
            }
            long n = p.getSamples().size() / spec.type().size();
            return new TaskOutput(("appended " + n + " " + spec.type().wireName() + " samples to " + spec.path())
                    .getBytes(StandardCharsets.UTF_8), spec, p.getSamples().toByteArray());
        }

        /**
         * On the loop thread when the payload is an {@link AppendPayload} message of at most
         * {@link #LOOP_BYTES}: then the task only copies its samples out (tens of µs for 64k
         * float32; the parse copies nothing, and {@link #runOnLoop} reads the payload in place), and
         * the two thread hand-offs a worker costs were half the time between two appends of one
         * stream (measured: 1.1-1.5 ms between records on a worker, 0.46-0.79 ms on the loop).
         * JSON payloads, and larger ones, are parsed on a worker.
         */
        @Override
        public boolean runsOnLoop(ByteString payload) {
            if (payload.size() > LOOP_BYTES) {
                return false;
            }
            for (int i = 0; i < payload.size(); i++) {
                byte b = payload.byteAt(i);
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return b != '{';
                }
            }
            return true;
        }

        /** It only parses its payload (the loop thread writes the file), so many may run at once. */
        @Override
        public int maxConcurrency() {
            return 64;
        }
    }

    /**
     * Halts the JVM, like seed 001's "crash" task: a poison task for fault tests. Enabled only by a
     * flag. With the payload {@code on-loop} it halts on the loop thread, as a handler that says
     * {@code runsOnLoop()} would, and so can end a chain of appends (TaskLoop); else on a worker.
     */
    static final class Crash implements TaskHandler, RunsOnLoopFor {
        static final ByteString ON_LOOP = ByteString.copyFromUtf8("on-loop");

        @Override
        public String type() {
            return "crash";
        }

        @Override
        public TaskOutput run(TaskInput input) {
            return halt();
        }

        @Override
        public boolean runsOnLoop(ByteString payload) {
            return payload.equals(ON_LOOP);
        }

        @Override
        public TaskOutput runOnLoop(ByteString payload) {
            return halt();
        }

        private static TaskOutput halt() {
            Runtime.getRuntime().halt(137);
            throw new AssertionError("unreachable");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
