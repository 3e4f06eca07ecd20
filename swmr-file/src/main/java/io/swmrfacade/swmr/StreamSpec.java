package io.swmrfacade.swmr;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stream dataset: an absolute HDF5 path, its element type and the attributes set when it is
 * created. Paths are checked here, at the boundary, so a bad path is a clear rejection rather
 * than an HDF5 error deep in the writer.
 */
public record StreamSpec(String path, SampleType type, String units, double sampleRateHz, long startTimeUs) {

    public static final int MAX_PATH = 255;
    public static final int MAX_UNITS = 32;
    private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public StreamSpec {
        Objects.requireNonNull(type, "type");
        units = units == null ? "" : units;
        validatePath(path);
        if (units.length() > MAX_UNITS) {
            throw new IllegalArgumentException("units '" + units + "' longer than " + MAX_UNITS + " characters");
        }
        if (!(sampleRateHz >= 0) || Double.isInfinite(sampleRateHz)) {
            throw new IllegalArgumentException("sample rate must be a finite number >= 0, not " + sampleRateHz);
        }
    }

    /** Throws {@link IllegalArgumentException} naming what is wrong with {@code path}. */
    public static void validatePath(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("stream path is empty");
        }
        if (path.length() > MAX_PATH) {
            throw new IllegalArgumentException("stream path longer than " + MAX_PATH + " characters: " + path);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("stream path '" + path + "' must be absolute (start with /)");
        }
        String[] parts = path.substring(1).split("/", -1);
        for (String part : parts) {
            if (!COMPONENT.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("stream path '" + path + "' has an invalid component '" + part
                        + "': use 1-64 of A-Z a-z 0-9 _ . -");
            }
        }
        if (parts[0].equals(FileLayout.RESERVED_GROUP)) {
            throw new IllegalArgumentException("stream path '" + path + "' is inside /" + FileLayout.RESERVED_GROUP
                    + ", which swmr-facade reserves for its own tables");
        }
    }
}
