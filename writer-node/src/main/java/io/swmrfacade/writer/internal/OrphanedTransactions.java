package io.swmrfacade.writer.internal;

import io.swmrfacade.writer.WriterConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

/**
 * Ends the open transactions of writer nodes that left the group without a word. A node killed
 * (or frozen) between sending its offsets into a transaction and committing it leaves those
 * offsets pending: every read-committed fetch of them, the next owner's among them, waits until
 * the transaction ends, which without a restart of that node is when the broker times it out
 * ({@code transaction.timeout.ms}, 25 s for writer nodes). Fencing the dead node's transactional
 * ids aborts its transaction at once.
 *
 * <p>Only the ids of nodes that are not members of the writers' group are fenced (members are
 * known by their client id, {@code sf-writer-<node id>}): a node whose session expired has lost
 * its partitions already. A node frozen past its session and fenced here finds its producer fenced
 * when it resumes, as it does when the broker times its transaction out: its task loop starts
 * again ({@link LoopRestarts}) and answers what it had finished from its file.
 *
 * <p>Called on the loop thread during a rebalance; every call is bounded by its timeout.
 */
final class OrphanedTransactions {

    static final String CLIENT_ID_PREFIX = "sf-writer-";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final Supplier<Admin> admins;
    private final String group;
    private final String idPrefix;
    private final Function<String, List<String>> idsOfNode;
    private final Set<String> ownIds;
    private final Logger log;

    /**
     * @param admins    makes an admin client; closed after each use
     * @param idsOfNode the transactional ids of a node, by node id
     * @param ownIds    this node's transactional ids, never fenced
     */
    OrphanedTransactions(Supplier<Admin> admins, String group, String idPrefix, Function<String, List<String>> idsOfNode,
                         List<String> ownIds, LogContext logs) {
        this.admins = admins;
        this.group = group;
        this.idPrefix = idPrefix;
        this.idsOfNode = idsOfNode;
        this.ownIds = Set.copyOf(ownIds);
        this.log = logs.logger(OrphanedTransactions.class);
    }

    static OrphanedTransactions of(WriterConfig config, KafkaClients kafka, LogContext logs) {
        return new OrphanedTransactions(() -> {
            Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "sf-writer-admin-" + config.nodeId());
            return Admin.create(p);
        }, config.getString(WriterConfig.GROUP), config.topics().prefix() + "writer.",
                node -> KafkaClients.transactionalIds(config.topics().prefix(), node), kafka.transactionalIds(), logs);
    }

    /**
     * Fences the open transactions of writer nodes that are not in the group. Never throws: a
     * failure (no permission, the broker slow) is logged, and the caller waits as before.
     *
     * @return the transactional ids fenced
     */
    List<String> fence(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = admins.get();
        try {
            // Both asked at once: one round trip less while the partitions wait.
            KafkaFuture<Collection<TransactionListing>> listed = admin.listTransactions(new ListTransactionsOptions()
                    .filterStates(List.of(TransactionState.ONGOING))).all();
            KafkaFuture<ConsumerGroupDescription> described = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group);
            List<String> open = listed.get(left(deadline), TimeUnit.NANOSECONDS).stream().map(TransactionListing::transactionalId)
                    .toList();
            if (orphaned(open, List.of()).isEmpty()) {
                return List.of(); // nothing to fence whoever is in the group: no need to wait for it
            }
            List<String> clientIds = described.get(left(deadline), TimeUnit.NANOSECONDS).members().stream()
                    .map(MemberDescription::clientId).toList();
            List<String> orphaned = orphaned(open, clientIds);
            if (orphaned.isEmpty()) {
                return List.of();
            }
            admin.fenceProducers(orphaned).all().get(left(deadline), TimeUnit.NANOSECONDS);
            log.warn("fenced the open transactions {} of writer nodes no longer in group {}: they held the committed"
                    + " offsets of partitions assigned here", orphaned, group);
            return orphaned;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("could not end the open transactions of departed writer nodes ({}); waiting for them to time out",
                    e instanceof ExecutionException ? e.getCause().toString() : e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * Of the open transactions {@code openIds}, those of writer nodes of this installation that
     * are not among the group's members (known by their client ids), never this node's own.
     */
    List<String> orphaned(Collection<String> openIds, Collection<String> memberClientIds) {
        Set<String> live = new HashSet<>(ownIds);
        for (String clientId : memberClientIds) {
            if (clientId.startsWith(CLIENT_ID_PREFIX)) {
                live.addAll(idsOfNode.apply(clientId.substring(CLIENT_ID_PREFIX.length())));
            }
        }
        return openIds.stream().filter(id -> id.startsWith(idPrefix) && !live.contains(id)).toList();
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
