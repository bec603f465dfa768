package io.execkpi.abtest.stats;

/**
 * One arm of one metric as sufficient statistics over its users: n, Σy, Σy² of the metric in the
 * analysis window and, for CUPED, Σx, Σx² of the same metric in the pre-exposure window and the
 * cross product Σxy. The three covariate fields are either all present or all {@code null}.
 *
 * @param name          arm name, unique within the experiment
 * @param n             users in the arm, ≥ 0 (an arm with 0 users is allowed: it is flagged, not rejected)
 * @param sum           Σy
 * @param sumSquares    Σy² (ignored for {@link MetricKind#PROPORTION}, where it equals Σy)
 * @param preSum        Σx, or {@code null} without a covariate
 * @param preSumSquares Σx², or {@code null} without a covariate (ignored for proportions)
 * @param sumProducts   Σxy, or {@code null} without a covariate
 * @param denominatorSum              Σd of a {@link MetricKind#RATIO} metric's denominator, else {@code null}
 * @param denominatorSumSquares       Σd², else {@code null}
 * @param numeratorDenominatorProducts Σ m·d over units (m the numerator given by sum), else {@code null}
 */
public record SufficientStats(String name, long n, double sum, double sumSquares,
                              Double preSum, Double preSumSquares, Double sumProducts, Double denominatorSum,
                              Double denominatorSumSquares, Double numeratorDenominatorProducts) {

    /** An arm of a mean or proportion metric, with or without a covariate. */
    public SufficientStats(String name, long n, double sum, double sumSquares, Double preSum, Double preSumSquares,
                           Double sumProducts) {
        this(name, n, sum, sumSquares, preSum, preSumSquares, sumProducts, null, null, null);
    }

    /**
     * An arm of a {@link MetricKind#RATIO} metric: numerator Σm, Σm², denominator Σd, Σd² and Σ m·d over its
     * n units.
     */
    public static SufficientStats ratio(String name, long n, double sum, double sumSquares, double denominatorSum,
                                        double denominatorSumSquares, double numeratorDenominatorProducts) {
        return new SufficientStats(name, n, sum, sumSquares, null, null, null, denominatorSum, denominatorSumSquares,
                numeratorDenominatorProducts);
    }

    /** An arm without a covariate (no CUPED). */
    public static SufficientStats of(String name, long n, double sum, double sumSquares) {
        return new SufficientStats(name, n, sum, sumSquares, null, null, null);
    }

    /** True when all three covariate fields are present, so CUPED can use this arm. */
    public boolean hasCovariate() {
        return preSum != null && preSumSquares != null && sumProducts != null;
    }

    /** True when at least one covariate field is present. */
    boolean hasAnyCovariate() {
        return preSum != null || preSumSquares != null || sumProducts != null;
    }
}
