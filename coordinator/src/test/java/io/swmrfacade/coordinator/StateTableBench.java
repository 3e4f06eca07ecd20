package io.swmrfacade.coordinator;

import com.google.protobuf.ByteString;
import io.swmrfacade.proto.v1.TaskEvent;
import io.swmrfacade.proto.v1.TaskResult;
import io.swmrfacade.proto.v1.TaskStatus;
import io.swmrfacade.topology.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The coordinator's cost per task: the CPU of the thread that folds records into a
 * {@link StateTable} (ThreadMXBean, only while it folds), per record, over N echo tasks shaped as
 * the client and the writer write them (a SUBMITTED journal record, then a 100-byte result);
 * the cost of parsing the same records alone; one {@code summary()} at the end; and the heap the
 * table holds after GC. Records are made in chunks of 10,000 tasks outside the timed folds, so
 * the heap figure is the table's alone.
 *
 * <p>Run: {@code bench/run coordinator [tasks rounds batch]} (default 1000000 3 0). With batch
 * greater than 0 the journal is written as SUBMITTED_BATCH records of that many tasks. A
 * program, not a test.
 */
public final class StateTableBench {

    private static final int CHUNK = 10_000;
    private static final Topics TOPICS = Topics.defaults();

    private StateTableBench() {
    }

    public static void main(String[] args) {
        long tasks = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String session = UUID.randomUUID().toString();
        for (int round = 1; round <= rounds; round++) {
            long base = heapAfterGc();
            StateTable table = new StateTable(TOPICS, Clock.systemUTC(), 5_000);
            long foldNs = 0;
            long parseNs = 0;
            long records = 0;
            long sink = 0;
            for (long from = 0; from < tasks; from += CHUNK) {
                List<ConsumerRecord<byte[], java.nio.ByteBuffer>> chunk = chunk(session, from, (int) Math.min(CHUNK, tasks - from), batch);
                long c0 = mx.getCurrentThreadCpuTime();
                for (ConsumerRecord<byte[], java.nio.ByteBuffer> r : chunk) {
                    table.apply(r);
                }
                foldNs += mx.getCurrentThreadCpuTime() - c0;
                if (round == rounds) {
                    long p0 = mx.getCurrentThreadCpuTime();
                    sink += parseOnly(chunk);
                    parseNs += mx.getCurrentThreadCpuTime() - p0;
                }
                records += chunk.size();
            }
            long s0 = System.nanoTime();
            Summary summary = table.summary();
            long summaryUs = (System.nanoTime() - s0) / 1_000;
            long bytes = heapAfterGc() - base;
            java.lang.ref.Reference.reachabilityFence(table);
            if (summary.tasks() != tasks || summary.byState().getOrDefault("OK", 0L) != tasks) {
                throw new IllegalStateException("the table counted " + summary + ", not " + tasks + " OK tasks");
            }
            System.out.printf(Locale.ROOT, "RESULT round %d: %d tasks, %d records (journal %s): fold %.0f ns CPU per record"
                            + " (%.2f s), %.0f ns per task; summary() %d us; table heap %.1f MB (%.0f bytes per task)%n",
                    round, tasks, records, batch > 0 ? "batches of " + batch : "one record per task", (double) foldNs / records,
                    foldNs / 1e9, (double) foldNs / tasks, summaryUs, bytes / 1e6, (double) bytes / tasks);
            if (round == rounds) {
                System.out.printf(Locale.ROOT, "RESULT parsing alone (TaskEvent.parseFrom, TaskResult.parseFrom): %.0f ns CPU per record%s%n",
                        (double) parseNs / records, sink == 42 ? " " : "");
            }
        }
    }

    /** The records of tasks {@code from} to {@code from + n}: their journal, then their results, as a poll would hand them. */
    private static List<ConsumerRecord<byte[], java.nio.ByteBuffer>> chunk(String session, long from, int n, int batch) {
        List<ConsumerRecord<byte[], java.nio.ByteBuffer>> out = new ArrayList<>(2 * n);
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = UUID.randomUUID().toString();
        }
        long at = 1_764_000_000_000_000L + from * 20;
        TaskEvent.Builder journal = null;
        for (int i = 0; i < n; i++) {
            if (batch <= 0) {
                out.add(record(TOPICS.events(), TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED).setTaskId(ids[i])
                        .setSessionId(session).setSequence(from + i).setType("echo").setAtUs(at + i * 20L).build().toByteArray()));
                continue;
            }
            if (journal == null) {
                journal = TaskEvent.newBuilder().setKind(TaskEvent.Kind.SUBMITTED_BATCH).setSessionId(session).setAtUs(at + i * 20L);
            }
            journal.addSubmitted(io.swmrfacade.proto.v1.JournaledTask.newBuilder().setTaskId(ids[i]).setSequence(from + i).setType("echo"));
            if (journal.getSubmittedCount() == batch || i == n - 1) {
                out.add(record(TOPICS.events(), journal.build().toByteArray()));
                journal = null;
            }
        }
        ByteString output = ByteString.copyFrom(new byte[100]);
        for (int i = 0; i < n; i++) {
            out.add(record(TOPICS.results(), TaskResult.newBuilder().setTaskId(ids[i]).setSessionId(session).setSequence(from + i)
                    .setStatus(TaskStatus.OK).setOutput(output).setAttempts(1).setWorkerId("bench-writer")
                    .setFile("/var/sf/bench-writer.h5").setRow(from + i).setStartedAtUs(at + i * 20L + 500)
                    .setFinishedAtUs(at + i * 20L + 510).setType("echo").build().toByteArray()));
        }
        return out;
    }

    private static ConsumerRecord<byte[], java.nio.ByteBuffer> record(String topic, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 0, null, value == null ? null : java.nio.ByteBuffer.wrap(value));
    }

    private static long parseOnly(List<ConsumerRecord<byte[], java.nio.ByteBuffer>> chunk) {
        long sink = 0;
        try {
            for (ConsumerRecord<byte[], java.nio.ByteBuffer> r : chunk) {
                sink += r.topic().equals(TOPICS.events()) ? TaskEvent.parseFrom(r.value()).getTaskId().length()
                        : TaskResult.parseFrom(r.value()).getTaskId().length();
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        return sink;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
