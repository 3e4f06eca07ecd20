package io.swmrfacade.client.internal;

import io.swmrfacade.client.SessionId;
import io.swmrfacade.client.TaskId;
import io.swmrfacade.client.TaskResult;
import io.swmrfacade.client.bench.MemoryBench;
import io.swmrfacade.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Client heap per result kept: a session keeps every result it collected (for collect() and
 * results()). Converts N echo results of one node, as the results reader gets them off the wire,
 * and compares the live heap after a full GC before and after. A benchmark, not a test; argument:
 * result count (default 300,000). {@code bench/run result-memory [n]}.
 */
public final class KeptResultsMemoryBench {

    private KeptResultsMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        String session = TaskId.next().value();
        List<byte[]> wire = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            wire.add(io.swmrfacade.proto.v1.TaskResult.newBuilder().setTaskId(TaskId.next().value()).setSessionId(session)
                    .setSequence(i + 1).setType("echo").setStatus(io.swmrfacade.proto.v1.TaskStatus.OK)
                    .setOutput(com.google.protobuf.ByteString.copyFrom(new byte[100])).setWorkerId("bench-writer")
                    .setFile("/var/lib/swmr-facade/writer-1/node.1.h5").setRow(i).setAttempts(1).build().toByteArray());
        }
        ResultReader reader = new ResultReader(null, new Topics("sf."), new SessionId(session), false, Duration.ofSeconds(1),
                new SessionLedger(true, r -> { }));
        List<TaskResult> kept = new ArrayList<>(n);
        long before = MemoryBench.liveHeap();
        for (byte[] w : wire) {
            kept.add(reader.convert(io.swmrfacade.proto.v1.TaskResult.parseFrom(w)));
        }
        long after = MemoryBench.liveHeap();
        System.out.printf("RESULT client heap per kept result (100-byte output, one node and type): %d bytes (%d results)%n",
                (after - before) / n, kept.size());
    }
}
