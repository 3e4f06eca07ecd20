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
        return resource(LiveCharts.class, "charts.js");
    }

    /**
     * The page {@code resource} that lies beside {@code owner} in its jar, with the script
     * inlined ({@link #inline}), as the UTF-8 bytes to serve.
     *
     * @throws IllegalStateException if the resource is missing
     * @throws IllegalArgumentException if the page has no placeholder
     */
    public static byte[] page(Class<?> owner, String resource) {
        return inline(resource(owner, resource)).getBytes(StandardCharsets.UTF_8);
    }

    private static String resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar of " + owner.getName());
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
