package io.execkpi.abtest.stats;

/**
 * A point estimate with its two-sided (1 − alpha) confidence interval and the p-value of the test
 * that the true value is 0, computed from the same standard error as the interval (so the
 * interval excludes 0 exactly when {@code pValue < alpha}). Any component is {@code null} when it
 * is undefined for the data; the enclosing result's {@code note} says why.
 */
public record Interval(Double estimate, Double ciLow, Double ciHigh, Double pValue) {

    /** An estimate whose interval and p-value are undefined (e.g. zero standard error). */
    static Interval estimateOnly(Double estimate) {
        return new Interval(estimate, null, null, null);
    }

    /** Nothing is defined (e.g. relative lift over a zero control). */
    static Interval undefined() {
        return new Interval(null, null, null, null);
    }
}
