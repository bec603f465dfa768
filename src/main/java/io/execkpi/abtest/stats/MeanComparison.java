package io.execkpi.abtest.stats;

/**
 * One treatment arm of a mean metric compared with the control arm by Welch's t-test.
 *
 * @param name             treatment arm name
 * @param n                treatment users
 * @param mean             treatment mean
 * @param variance         treatment sample variance ({@code null} when n &lt; 2)
 * @param tStatistic       Welch t statistic of the absolute lift
 * @param degreesOfFreedom Welch–Satterthwaite degrees of freedom (used for both lifts)
 * @param pValue           two-sided p-value of the absolute lift
 * @param adjustedPValue   Holm–Bonferroni adjusted p-value across the experiment's treatment arms
 * @param significant      {@code adjustedPValue < alpha}
 * @param absoluteLift     m_t − m_c with its t interval
 * @param relativeLift     (m_t − m_c) / m_c with its delta-method t interval and p-value
 * @param note             why some numbers are {@code null}, or {@code null} when everything is defined
 */
public record MeanComparison(String name, long n, Double mean, Double variance,
                             Double tStatistic, Double degreesOfFreedom, Double pValue, Double adjustedPValue,
                             boolean significant, Interval absoluteLift, Interval relativeLift, String note) {
}
