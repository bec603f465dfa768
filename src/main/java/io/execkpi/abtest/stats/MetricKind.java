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
    PROPORTION
}
