package io.swmrfacade.client.internal;

import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.bench.MemoryBench;
import io.swmrfacade.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Client heap per result kept: a session keeps every result it collected (for collect() and
 * results()). Registers N tasks in a session's ledger, as submit does, then hands the results reader N echo results
 * of one node, as the consumer does, and it completes the tasks with them;
 * compares the live heap after a full GC before and after the results. A benchmark, not a test; argument:
 * result count (default 300,000). {@code bench/run result-memory [n]}.
 */
public final class KeptResultsMemoryBench {

    private KeptResultsMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        String session = TaskId.next().value();
        SessionLedger ledger = new SessionLedger(true, r -> { });
        List<byte[]> wire = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TaskId id = TaskId.next();
            ledger.register(id); // as submit() does
            wire.add(io.swmrfacade.proto.v1.TaskResult.newBuilder().setTaskId(id.value()).setSessionId(session)
                    .setSequence(i + 1).setType("echo").setStatus(io.swmrfacade.proto.v1.TaskStatus.OK)
                    .setOutput(com.google.protobuf.ByteString.copyFrom(new byte[100])).setWorkerId("bench-writer")
                    .setFile("/var/lib/swmr-facade/writer-1/node.1.h5").setRow(i).setAttempts(1).build().toByteArray());
        }
        ResultReader reader = new ResultReader(null, new Topics("sf."), new SessionId(session), false, Duration.ofSeconds(1), ledger);
        long before = MemoryBench.liveHeap();
        java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(session.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long offset = 0;
        for (byte[] w : wire) { // as the consumer hands them to the reader
            reader.handle(new org.apache.kafka.clients.consumer.ConsumerRecord<>("sf.results", 0, offset++, key,
                    java.nio.ByteBuffer.wrap(w)));
        }
        long after = MemoryBench.liveHeap();
        // The records stay reachable to here, as they were for "before": once its loop is compiled,
        // the JIT may otherwise drop them before this collection and count them as freed.
        java.lang.ref.Reference.reachabilityFence(wire);
        System.out.printf("RESULT client heap per kept result (100-byte output, one node and type): %d bytes (%d results, %d without one)%n",
                (after - before) / n, ledger.size(), ledger.withoutResult());
    }
}
