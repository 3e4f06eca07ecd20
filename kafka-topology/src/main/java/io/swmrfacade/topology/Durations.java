package io.swmrfacade.topology;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for durations that people write, in configuration values and on the command
 * line: a number, possibly with a fraction, and a unit, {@code ms}, {@code s}, {@code m} or
 * {@code h} (500ms, 1.5s, 2m, 1h). A bare number is refused, so that "10" is never read as
 * ten milliseconds by one tool and ten seconds by another. Stateless.
 */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Reads {@code text} (surrounding blanks ignored), to the millisecond.
     *
     * @throws IllegalArgumentException naming {@code text} if it is not such a duration
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 1.5s, 2m or 1h");
        }
        java.math.BigDecimal n = new java.math.BigDecimal(m.group(1));
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            default -> 3_600_000L;
        };
        return Duration.ofMillis(n.multiply(java.math.BigDecimal.valueOf(unitMillis)).longValue());
    }
}
