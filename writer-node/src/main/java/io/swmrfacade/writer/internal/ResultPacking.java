package io.swmrfacade.writer.internal;

import com.google.protobuf.CodedOutputStream;
import io.swmrfacade.proto.v1.TaskResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Packs the results that one flush of the file answered into fewer records: those of one session
 * (one key of {@code sf.results}) that answer for one task partition under one assignment go out
 * as one {@code TaskResult} whose {@code results} are theirs (docs/PROTOCOL.md §6), up to
 * {@link #MAX_RECORD_BYTES} a record. Every reader, the broker included, then pays for one
 * record where it paid for hundreds; the results still leave at the moment they did one by one.
 *
 * <p>A record answers for one partition and assignment, as before: a transaction that aborts
 * sends it again whole, or not at all if that partition moved on. A result alone in its group,
 * and every other record (dead letters), goes out as it was.
 *
 * <p>Loop thread; no state.
 */
final class ResultPacking {

    /** A packed record holds at most this many bytes of results (plus a few bytes a result). */
    static final int MAX_RECORD_BYTES = 128 * 1024;

    private static final int RESULTS_FIELD = TaskResult.RESULTS_FIELD_NUMBER;

    private ResultPacking() {
    }

    /** One key of the results topic, answering for one task partition under one assignment. */
    private record Group(byte[] key, TopicPartition source, long epoch) {

        boolean holds(Transactions.Outgoing o) {
            return is(o.record().key(), o.source(), o.epoch());
        }

        private boolean is(byte[] k, TopicPartition s, long e) {
            return e == epoch && Objects.equals(s, source) && Arrays.equals(k, key);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Group g && is(g.key, g.source, g.epoch);
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(key) * 31 + Objects.hashCode(source)) * 31 + Long.hashCode(epoch);
        }
    }

    /**
     * The records to send for {@code staged}, in which every results-topic record holds one
     * encoded {@code TaskResult}: each group's results packed, in the order they were staged,
     * and every other record as it was.
     */
    static List<Transactions.Outgoing> pack(List<Transactions.Outgoing> staged, String resultsTopic) {
        if (staged.size() < 2) {
            return staged;
        }
        List<Transactions.Outgoing> out = new ArrayList<>();
        Map<Group, List<Transactions.Outgoing>> groups = new HashMap<>();
        List<List<Transactions.Outgoing>> inOrder = new ArrayList<>();
        List<Transactions.Outgoing> last = null;
        Group lastGroup = null;
        for (Transactions.Outgoing o : staged) {
            ProducerRecord<byte[], byte[]> r = o.record();
            if (!r.topic().equals(resultsTopic) || r.key() == null || r.value() == null) {
                out.add(o);
                continue;
            }
            if (lastGroup == null || !lastGroup.holds(o)) { // a flush's results mostly come in runs of one group
                lastGroup = new Group(r.key(), o.source(), o.epoch());
                last = groups.get(lastGroup);
                if (last == null) {
                    last = new ArrayList<>();
                    groups.put(lastGroup, last);
                    inOrder.add(last);
                }
            }
            last.add(o);
        }
        for (List<Transactions.Outgoing> group : inOrder) {
            packGroup(group, out);
        }
        return out;
    }

    private static void packGroup(List<Transactions.Outgoing> group, List<Transactions.Outgoing> out) {
        int from = 0;
        while (from < group.size()) {
            int to = from;
            int bytes = 0;
            do {
                bytes += entrySize(group.get(to).record().value());
                to++;
            } while (to < group.size() && bytes + entrySize(group.get(to).record().value()) <= MAX_RECORD_BYTES);
            if (to - from == 1) {
                out.add(group.get(from));
            } else {
                out.add(packed(group.subList(from, to), bytes));
            }
            from = to;
        }
    }

    private static int entrySize(byte[] result) {
        return CodedOutputStream.computeByteArraySize(RESULTS_FIELD, result);
    }

    /** One record holding {@code results} (one group's) as the entries of a {@code TaskResult}'s {@code results}. */
    private static Transactions.Outgoing packed(List<Transactions.Outgoing> results, int bytes) {
        byte[] value = new byte[bytes];
        CodedOutputStream c = CodedOutputStream.newInstance(value);
        try {
            for (Transactions.Outgoing o : results) {
                c.writeByteArray(RESULTS_FIELD, o.record().value()); // an embedded message is its bytes, length first
            }
            c.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("packed results did not fit their computed size", e);
        }
        Transactions.Outgoing first = results.get(0);
        ProducerRecord<byte[], byte[]> r = first.record();
        return new Transactions.Outgoing(new ProducerRecord<>(r.topic(), r.key(), value), first.source(), first.epoch(),
                results.size());
    }
}
