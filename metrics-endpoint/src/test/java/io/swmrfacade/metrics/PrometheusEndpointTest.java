package io.swmrfacade.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

    @Test
    void serves_the_registry_as_prometheus_text_and_shows_changes() throws Exception {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0)) {
            Counter c = Counter.builder("sf.test.events").tag("outcome", "ok").register(endpoint.registry());
            c.increment(3);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> first = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(first.body()).contains("sf_test_events_total{outcome=\"ok\"} 3.0");
            c.increment();
            assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).contains("sf_test_events_total{outcome=\"ok\"} 4.0");
        }
    }

    @Test
    void a_bad_port_is_refused_by_value() {
        assertThatThrownBy(() -> PrometheusEndpoint.start("127.0.0.1", 70000)).hasMessageContaining("not 70000");
    }
}
