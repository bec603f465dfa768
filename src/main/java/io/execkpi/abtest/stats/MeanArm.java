package io.execkpi.abtest.stats;

/**
 * One arm of a mean metric (e.g. revenue per user) given as sufficient statistics, so the
 * warehouse only has to return three aggregates per arm: {@code COUNT(*)}, {@code SUM(y)} and
 * {@code SUM(y*y)}.
 *
 * @param name       arm name, unique within the experiment
 * @param n          number of users, &gt; 0
 * @param sum        Σy
 * @param sumSquares Σy², at least (Σy)²/n up to rounding
 */
public record MeanArm(String name, long n, double sum, double sumSquares) {

    /** Sample mean Σy / n. */
    public double mean() {
        return sum / n;
    }

    /**
     * Unbiased sample variance (Σy² − (Σy)²/n) / (n − 1), clamped at 0 against rounding, or NaN
     * when n &lt; 2 (callers turn that into {@code null} with a note).
     */
    public double variance() {
        if (n < 2) {
            return Double.NaN;
        }
        return Math.max(0.0, (sumSquares - sum * (sum / n)) / (n - 1));
    }
}
