package io.execkpi.quality;

import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * The anomaly check's robust z-score of a value against its history (the same weekday of the weeks before):
 * {@code z = |x − median| / scale}, capped at {@link #MAX}, where {@code scale = max(1.4826 · MAD, 0.05 · |median|)}
 * (MAD: the median absolute deviation; 1.4826 makes it estimate the standard deviation of normal data, Rousseeuw &amp;
 * Croux 1993), and for a count also at least {@code max(1, √|median|)}, its Poisson noise. The 5 % floor keeps a
 * history that never moved (MAD 0) from calling every small change an anomaly.
 *
 * @param median the history's median
 * @param scale  the scale above: 0 only for a non-count history whose MAD and median are both 0
 * @param z      the score: 0 when the value equals the median, else {@code |x − median| / scale}, at most {@link #MAX}
 */
public record AnomalyScore(double median, double scale, double z) {

    /** The score of a value off a history with no spread at all. */
    public static final double MAX = 1e6;

    /**
     * @param history the values of the history (at least one; not modified)
     * @param x       the value judged
     * @param count   whether the value is a count (an integer KPI column), which adds the Poisson floor
     * @throws IllegalArgumentException when the history is empty
     */
    public static AnomalyScore of(double[] history, double x, boolean count) {
        if (history.length == 0) {
            throw new IllegalArgumentException("an anomaly score needs a history of at least one value");
        }
        Median median = new Median();
        double m = median.evaluate(history);
        double[] deviations = new double[history.length];
        for (int i = 0; i < history.length; i++) {
            deviations[i] = Math.abs(history[i] - m);
        }
        double scale = Math.max(1.4826 * median.evaluate(deviations), 0.05 * Math.abs(m));
        if (count) {
            scale = Math.max(scale, Math.max(1, Math.sqrt(Math.abs(m))));
        }
        double z = scale == 0 ? (x == m ? 0 : MAX) : Math.min(MAX, Math.abs(x - m) / scale);
        return new AnomalyScore(m, scale, z);
    }
}
