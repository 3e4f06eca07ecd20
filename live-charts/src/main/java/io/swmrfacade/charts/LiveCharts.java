package io.swmrfacade.charts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The chart script of swmr-facade's live pages ({@code charts.js}: {@code SfCharts.lines} for
 * time series, {@code SfCharts.scope} for a window of samples as an oscilloscope,
 * {@code SfCharts.legend}), for inlining into a page so that it needs nothing from the internet.
 * A page marks the place with {@link #PLACEHOLDER} inside a {@code <script>} element.
 *
 * <p>Stateless and thread-safe.
 */
public final class LiveCharts {

    /** Where a page wants the script. */
    public static final String PLACEHOLDER = "/*CHARTS_JS*/";

    private LiveCharts() {
    }

    /** The script's text. */
    public static String script() {
        try (InputStream in = LiveCharts.class.getResourceAsStream("charts.js")) {
            if (in == null) {
                throw new IllegalStateException("charts.js is missing from the live-charts jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code html} with the script in place of {@link #PLACEHOLDER}.
     *
     * @throws IllegalArgumentException if the page has no placeholder
     */
    public static String inline(String html) {
        if (!html.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("the page has no " + PLACEHOLDER + " to put the chart script in");
        }
        return html.replace(PLACEHOLDER, script());
    }
}
