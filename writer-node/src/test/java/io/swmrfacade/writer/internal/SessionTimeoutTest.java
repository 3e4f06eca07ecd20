package io.swmrfacade.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SessionTimeoutTest {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(SessionTimeoutTest.class);

    @Test
    void the_default_stands_where_the_brokers_allow_it_or_cannot_say() {
        assertThat(SessionTimeout.choose(OptionalInt.of(1_000), LOG)).isEqualTo(3_000);
        assertThat(SessionTimeout.choose(OptionalInt.of(3_000), LOG)).isEqualTo(3_000);
        assertThat(SessionTimeout.choose(OptionalInt.empty(), LOG)).isEqualTo(3_000);
    }

    @Test
    void a_larger_broker_minimum_is_taken_with_three_heartbeats_in_it() {
        assertThat(SessionTimeout.choose(OptionalInt.of(6_000), LOG)).isEqualTo(6_000);
        assertThat(SessionTimeout.heartbeatFor(6_000)).isEqualTo(1_000);
        assertThat(SessionTimeout.heartbeatFor(3_000)).isEqualTo(1_000);
        assertThat(SessionTimeout.heartbeatFor(1_500)).isEqualTo(500);
    }
}
