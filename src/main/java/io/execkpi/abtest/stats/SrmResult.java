package io.execkpi.abtest.stats;

/**
 * Sample-ratio-mismatch check: Pearson chi-square goodness of fit of the arms' user counts
 * against the intended split.
 *
 * @param chiSquare Σ (observed − expected)² / expected
 * @param pValue    upper tail of χ² with (arms − 1) degrees of freedom
 * @param mismatch  {@code pValue < threshold}: the assignment is likely broken and the
 *                  experiment's other results should not be trusted
 * @param threshold the significance level used for {@code mismatch}
 */
public record SrmResult(double chiSquare, double pValue, boolean mismatch, double threshold) {
}
