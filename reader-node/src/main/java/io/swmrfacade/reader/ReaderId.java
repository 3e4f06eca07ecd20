package io.swmrfacade.reader;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Names one reader node: it prefixes the reader's console lines and logs and keys its monitor
 * updates. 1 to 128 of {@code A-Z a-z 0-9 . _ -}.
 */
public record ReaderId(String value) {

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    static final ConfigDef.Validator VALIDATOR = ConfigDef.LambdaValidator.with((name, value) -> {
        if (!(value instanceof String s) || !LEGAL.matcher(s).matches()) {
            throw new ConfigException(name, value, "a reader id is 1 to 128 of A-Z a-z 0-9 . _ -");
        }
    }, () -> "1 to 128 of A-Z a-z 0-9 . _ -");

    public ReaderId {
        if (value == null || !LEGAL.matcher(value).matches()) {
            throw new IllegalArgumentException("reader id '" + value + "' must be 1 to 128 of A-Z a-z 0-9 . _ -");
        }
    }

    /** Replaces illegal characters (of a host name, say) with '-' and cuts to 128 characters. */
    static String sanitize(String raw) {
        String s = raw.replaceAll("[^A-Za-z0-9._-]", "-");
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    @Override
    public String toString() {
        return value;
    }
}
