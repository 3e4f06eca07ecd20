package io.swmrfacade.reader.internal;

/**
 * A window of samples reduced to at most one column per pixel: each column holds the minimum and
 * the maximum of the samples it covers, so a one-sample spike still reaches its column's extreme
 * however long the window is. When there are no more samples than columns, each sample is its
 * own column ({@code min[i] == max[i]}).
 *
 * @param first  absolute index (across segments) of the window's first sample
 * @param count  samples in the window
 * @param min    per column, the smallest sample it covers
 * @param max    per column, the largest sample it covers
 */
record Envelope(long first, long count, double[] min, double[] max) {

    /** The columns {@code samples} fall into when drawn {@code columns} wide; {@code columns >= 1}. */
    static Envelope of(long first, double[] samples, int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, not " + columns);
        }
        int n = samples.length;
        if (n <= columns) {
            return new Envelope(first, n, samples.clone(), samples.clone());
        }
        double[] min = new double[columns];
        double[] max = new double[columns];
        for (int c = 0; c < columns; c++) {
            // Column c covers [from, to): every sample lands in exactly one column.
            int from = (int) ((long) c * n / columns);
            int to = (int) ((long) (c + 1) * n / columns);
            double lo = samples[from];
            double hi = samples[from];
            for (int i = from + 1; i < to; i++) {
                lo = Math.min(lo, samples[i]);
                hi = Math.max(hi, samples[i]);
            }
            min[c] = lo;
            max[c] = hi;
        }
        return new Envelope(first, n, min, max);
    }

    /** The absolute index of the first sample of column {@code c}. */
    long columnStart(int c) {
        return first + (min.length == count ? c : (long) c * count / min.length);
    }
}
