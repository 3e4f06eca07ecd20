package io.swmrfacade.system;

import io.swmrfacade.proto.v1.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads every committed result of an installation (read_committed, to the end) from a host of
 * its own and writes, one line each, {@code task_id worker_id count} to the file {@code args[2]};
 * arguments {@code bootstrap prefix out}. Prints {@code STARTED} when done, so a test can start
 * it like any node and wait for it.
 */
public final class CommittedResultsMain {

    private CommittedResultsMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Integer> count = new HashMap<>();
        Map<String, String> worker = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : ClientTopics.readAll(args[0], args[1] + "results", x -> true)) {
            for (TaskResult res : ClientTopics.results(r.value())) {
                count.merge(res.getTaskId(), 1, Integer::sum);
                worker.put(res.getTaskId(), res.getWorkerId());
            }
        }
        StringBuilder b = new StringBuilder();
        count.forEach((id, n) -> b.append(id).append(' ').append(worker.get(id)).append(' ').append(n).append('\n'));
        Files.writeString(Path.of(args[2]), b);
        System.out.println("STARTED");
    }
}
