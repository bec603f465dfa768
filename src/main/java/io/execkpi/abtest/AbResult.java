package io.execkpi.abtest;

/**
 * One stored evaluation row: an arm of an experiment on one metric at one evaluation date. Numbers that are not
 * defined (the control's lifts, a degenerate test) are null, never NaN; {@code note} says why.
 *
 * <p>Relative lifts and their bounds are shares (0.05 = +5 %), absolute lifts in the metric's units (currency per
 * user, share of users), p-values in [0, 1]. The fields after {@code note} (issue 10) are set on revenue per user
 * and guardrail rows, computed as gbstats does ({@link io.execkpi.abtest.stats.EffectStatistics}):
 *
 * @param theta                   pooled CUPED coefficient of the comparison with control; null without CUPED
 * @param varianceReduction       1 − Var(adjusted lift)/Var(unadjusted lift), a share; null without CUPED
 * @param unadjustedRelLift       the relative lift without CUPED (with its interval and p-value below)
 * @param fixedRelLift            the fixed-horizon relative lift when the reported one is sequential
 * @param risk                    expected loss of shipping the arm, E[max(0, −relative lift)], a share
 * @param guardrailMetric         true on the rows of a guardrail metric
 * @param guardrailViolated       true on every row of an arm whose guardrail is significantly worse than control,
 *                                false on the other compared arms' rows when guardrails were evaluated, else null
 * @param adjustedRelLiftLow      GrowthBook's adjusted interval of the relative lift for {@code adjustedPValue}
 *                                (wider than the raw one, or the raw one); null when unbounded or not compared
 * @param adjustedRelLiftHigh     its upper bound
 */
public record AbResult(String experimentId, String variant, String metric, boolean isControl, boolean primaryMetric,
                       long users, Long conversions, Double meanValue, Double variance, Double statistic,
                       Double degreesOfFreedom, Double pValue, Double adjustedPValue, boolean significant,
                       Double absLift, Double absLiftLow, Double absLiftHigh, Double absLiftPValue,
                       Double relLift, Double relLiftLow, Double relLiftHigh, Double relLiftPValue,
                       Double chanceToBeatControl, Double minimumDetectableEffect, double alpha, String method,
                       Double srmChiSquare, Double srmPValue, Boolean srmMismatch, double srmThreshold, String note,
                       Double theta, Double varianceReduction, Double unadjustedRelLift, Double unadjustedRelLiftLow,
                       Double unadjustedRelLiftHigh, Double unadjustedRelLiftPValue, Double fixedRelLift,
                       Double fixedRelLiftLow, Double fixedRelLiftHigh, Double fixedRelLiftPValue, Double risk,
                       Boolean guardrailMetric, Boolean guardrailViolated, Double adjustedRelLiftLow,
                       Double adjustedRelLiftHigh) {

    /** A row without the issue-10 effect fields (conversion rows, arms that were not compared). */
    public AbResult(String experimentId, String variant, String metric, boolean isControl, boolean primaryMetric,
                    long users, Long conversions, Double meanValue, Double variance, Double statistic,
                    Double degreesOfFreedom, Double pValue, Double adjustedPValue, boolean significant,
                    Double absLift, Double absLiftLow, Double absLiftHigh, Double absLiftPValue,
                    Double relLift, Double relLiftLow, Double relLiftHigh, Double relLiftPValue,
                    Double chanceToBeatControl, Double minimumDetectableEffect, double alpha, String method,
                    Double srmChiSquare, Double srmPValue, Boolean srmMismatch, double srmThreshold, String note) {
        this(experimentId, variant, metric, isControl, primaryMetric, users, conversions, meanValue, variance,
                statistic, degreesOfFreedom, pValue, adjustedPValue, significant, absLift, absLiftLow, absLiftHigh,
                absLiftPValue, relLift, relLiftLow, relLiftHigh, relLiftPValue, chanceToBeatControl,
                minimumDetectableEffect, alpha, method, srmChiSquare, srmPValue, srmMismatch, srmThreshold, note,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** This row with the given minimum detectable effect. */
    public AbResult withMinimumDetectableEffect(Double mde) {
        return new AbResult(experimentId, variant, metric, isControl, primaryMetric, users, conversions, meanValue,
                variance, statistic, degreesOfFreedom, pValue, adjustedPValue, significant, absLift, absLiftLow,
                absLiftHigh, absLiftPValue, relLift, relLiftLow, relLiftHigh, relLiftPValue, chanceToBeatControl, mde,
                alpha, method, srmChiSquare, srmPValue, srmMismatch, srmThreshold, note, theta, varianceReduction,
                unadjustedRelLift, unadjustedRelLiftLow, unadjustedRelLiftHigh, unadjustedRelLiftPValue, fixedRelLift,
                fixedRelLiftLow, fixedRelLiftHigh, fixedRelLiftPValue, risk, guardrailMetric, guardrailViolated,
                adjustedRelLiftLow, adjustedRelLiftHigh);
    }

    /**
     * This row with its arm's guardrail verdict and a reason appended to the note.
     *
     * @param violated the verdict to store in {@code guardrailViolated} (null: unchanged)
     * @param reason   text appended to the note, or null
     */
    public AbResult withGuardrail(Boolean violated, String reason) {
        return new AbResult(experimentId, variant, metric, isControl, primaryMetric, users, conversions, meanValue,
                variance, statistic, degreesOfFreedom, pValue, adjustedPValue, significant, absLift, absLiftLow,
                absLiftHigh, absLiftPValue, relLift, relLiftLow, relLiftHigh, relLiftPValue, chanceToBeatControl,
                minimumDetectableEffect, alpha, method, srmChiSquare, srmPValue, srmMismatch, srmThreshold,
                reason == null ? note : note == null ? reason : note + "; " + reason, theta, varianceReduction,
                unadjustedRelLift, unadjustedRelLiftLow, unadjustedRelLiftHigh, unadjustedRelLiftPValue, fixedRelLift,
                fixedRelLiftLow, fixedRelLiftHigh, fixedRelLiftPValue, risk, guardrailMetric,
                violated != null ? violated : guardrailViolated, adjustedRelLiftLow, adjustedRelLiftHigh);
    }
}
