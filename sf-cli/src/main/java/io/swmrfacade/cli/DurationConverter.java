package io.swmrfacade.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people write them: 500ms, 10s, 2m, 1h. */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Matcher m = FORM.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 10s, 2m or 1h");
        }
        double n = Double.parseDouble(m.group(1));
        long millis = switch (m.group(2)) {
            case "ms" -> (long) n;
            case "s" -> (long) (n * 1000);
            case "m" -> (long) (n * 60_000);
            default -> (long) (n * 3_600_000);
        };
        return Duration.ofMillis(millis);
    }
}
