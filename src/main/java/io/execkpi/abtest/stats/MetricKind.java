package io.execkpi.abtest.stats;

/**
 * How a metric's per-user values are distributed, which decides the variance formula (as the
 * gbstats statistic classes in {@code packages/stats/gbstats/models/statistics.py}).
 */
public enum MetricKind {
    /**
     * Any per-user number (revenue, orders, ...): gbstats {@code SampleMeanStatistic}, variance
     * (Σy² − (Σy)²/n)/(n − 1) and covariance (Σxy − ΣxΣy/n)/(n − 1).
     */
    MEAN,
    /**
     * A 0/1 per-user value (converted or not): gbstats {@code ProportionStatistic}, variance
     * p(1 − p) with p = Σy/n (Σy² = Σy is implied, the given sumSquares is ignored) and
     * covariance Σxy/n − ΣxΣy/n².
     */
    PROPORTION,
    /**
     * A ratio of two per-user sums, such as revenue per order (average order value): gbstats
     * {@code RatioStatistic}. The numerator m is given by sum and sumSquares, the denominator d by
     * {@link SufficientStats#denominatorSum()} and {@link SufficientStats#denominatorSumSquares()},
     * their cross product by {@link SufficientStats#numeratorDenominatorProducts()}; the value is
     * Σm/Σd and its delta-method variance (per unit) s²_m/d̄² − 2·cov(m, d)·m̄/d̄³ + s²_d·m̄²/d̄⁴ with
     * {@code SampleMeanStatistic} variances and covariance. No CUPED for ratios here.
     */
    RATIO
}
