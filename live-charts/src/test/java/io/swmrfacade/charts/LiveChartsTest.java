package io.swmrfacade.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LiveChartsTest {

    @Test
    void inline_puts_the_script_where_the_page_asks_and_nothing_external() {
        String page = LiveCharts.inline("<html><script>\n" + LiveCharts.PLACEHOLDER + "\n</script></html>");
        assertThat(page).contains("const SfCharts").contains("function lines(").contains("function scope(").doesNotContain(LiveCharts.PLACEHOLDER)
                .doesNotContain("src=").doesNotContain("https://");
    }

    @Test
    void a_page_without_the_placeholder_is_refused() {
        assertThatThrownBy(() -> LiveCharts.inline("<html></html>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LiveCharts.PLACEHOLDER);
    }

    @Test
    void a_missing_page_resource_is_named_with_its_owner() {
        assertThatThrownBy(() -> LiveCharts.page(LiveChartsTest.class, "no-such-page.html"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-page.html")
                .hasMessageContaining(LiveChartsTest.class.getName());
    }
}
