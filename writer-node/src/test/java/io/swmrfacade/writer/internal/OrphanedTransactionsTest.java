package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;

/** Which open transactions a node taking over partitions may fence: only departed writer nodes' of its installation. */
class OrphanedTransactionsTest {

    private final OrphanedTransactions orphans = new OrphanedTransactions(() -> {
        throw new AssertionError("no admin client in this test");
    }, "p.writers", "p.writer.", node -> KafkaClients.transactionalIds("p.", node), KafkaClients.transactionalIds("p.", "me"),
            new LogContext());

    @Test
    void only_writer_nodes_of_this_installation_that_left_the_group_are_fenced() {
        List<String> open = List.of("p.writer.me", "p.writer.me.2", "p.writer.alive", "p.writer.alive.2", "p.writer.dead",
                "p.writer.dead.2", "q.writer.dead", "p.results-reader", "pp.writer.dead");
        assertThat(orphans.orphaned(open, List.of("sf-writer-me", "sf-writer-alive", "consumer-p.writers-1")))
                .containsExactly("p.writer.dead", "p.writer.dead.2");
    }

    @Test
    void a_transactional_id_that_a_live_node_uses_is_never_fenced() {
        // Node "x.2" is alive and node "x" gone: "p.writer.x.2" names x's second producer and x.2's first.
        List<String> open = List.of("p.writer.x", "p.writer.x.2", "p.writer.x.2.2");
        assertThat(orphans.orphaned(open, List.of("sf-writer-x.2"))).containsExactly("p.writer.x");
    }

    @Test
    void this_nodes_own_transactions_are_never_fenced_even_before_it_is_a_member() {
        assertThat(orphans.orphaned(List.of("p.writer.me", "p.writer.me.2"), List.of())).isEmpty();
    }
}
