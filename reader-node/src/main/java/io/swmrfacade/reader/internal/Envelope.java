package io.swmrfacade.reader.internal;

/**
 * A window of samples reduced to at most one column per pixel: each column holds the minimum and
 * the maximum of the samples it covers, so a one-sample spike still reaches its column's extreme
 * however long the window is. When there are no more samples than columns, each sample is its
 * own column ({@code min[i] == max[i]}). NaN samples are skipped; a column of NaN only is NaN.
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
            // NaN (a dropout, say) is skipped: Math.min would let one NaN hide the whole column.
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                double v = samples[i];
                if (v < lo) {
                    lo = v;
                }
                if (v > hi) {
                    hi = v;
                }
            }
            boolean allNaN = lo > hi;
            min[c] = allNaN ? Double.NaN : lo;
            max[c] = allNaN ? Double.NaN : hi;
        }
        return new Envelope(first, n, min, max);
    }

    /** The absolute index of the first sample of column {@code c}. */
    long columnStart(int c) {
        return first + (min.length == count ? c : (long) c * count / min.length);
    }
}
