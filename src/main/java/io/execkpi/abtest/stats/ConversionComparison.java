package io.execkpi.abtest.stats;

/**
 * One treatment arm of a conversion metric compared with the control arm.
 *
 * @param name                    treatment arm name
 * @param users                   treatment users
 * @param conversions             treatment conversions
 * @param rate                    treatment conversion rate
 * @param zScore                  two-proportion z statistic with the pooled standard error
 * @param pValue                  its two-sided p-value (the hypothesis test of this comparison)
 * @param adjustedPValue          Holm–Bonferroni adjusted p-value across the experiment's treatment arms
 * @param significant             {@code adjustedPValue < alpha}
 * @param absoluteLift            p_t − p_c with the unpooled Wald interval (its p-value is the Wald one)
 * @param relativeLift            (p_t − p_c) / p_c with the delta-method interval
 * @param chanceToBeatControl     P(p_t &gt; p_c) under independent Beta(1 + conversions,
 *                                1 + non-conversions) posteriors
 * @param minimumDetectableEffect smallest absolute lift detectable with 80 % power at the current sample sizes
 * @param note                    why some numbers are {@code null}, or {@code null} when everything is defined
 */
public record ConversionComparison(String name, long users, long conversions, double rate,
                                   Double zScore, Double pValue, Double adjustedPValue, boolean significant,
                                   Interval absoluteLift, Interval relativeLift,
                                   Double chanceToBeatControl, Double minimumDetectableEffect, String note) {
}
