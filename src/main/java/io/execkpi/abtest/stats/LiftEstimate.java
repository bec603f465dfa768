package io.execkpi.abtest.stats;

/**
 * One estimate of a treatment arm's lift over control in the asked {@link Difference} (a share for
 * relative lifts: 0.05 = +5 %; metric units for absolute ones), with its two-sided interval.
 *
 * <p>Fixed horizon: Welch t interval and p-value with {@code degreesOfFreedom}. Sequential: the
 * gbstats asymptotic confidence sequence and its always-valid p-value; {@code degreesOfFreedom}
 * is then {@code null} (the sequence is normal-asymptotic). When the comparison is undefined
 * (gbstats' default output), every number is {@code null} and {@code errorMessage} carries the
 * gbstats code ({@code ZERO_NEGATIVE_VARIANCE}, {@code ZERO_NEGATIVE_BASELINE_VARIATION}).
 *
 * @param estimate         point estimate
 * @param ciLow            lower bound of the (1 − alpha) interval
 * @param ciHigh           upper bound
 * @param pValue           two-sided p-value of "no difference"
 * @param standardError    standard error of the estimate (delta method for relative lifts)
 * @param degreesOfFreedom Welch–Satterthwaite df (fixed horizon only)
 * @param errorMessage     gbstats error code, or {@code null} when every number is defined
 */
public record LiftEstimate(Double estimate, Double ciLow, Double ciHigh, Double pValue, Double standardError,
                           Double degreesOfFreedom, String errorMessage) {

    /** gbstats {@code ZERO_NEGATIVE_VARIANCE}: an arm has n ≤ 1 or a variance ≤ 0. */
    public static final String ZERO_NEGATIVE_VARIANCE = "ZERO_NEGATIVE_VARIANCE";
    /** gbstats {@code ZERO_NEGATIVE_BASELINE_VARIATION}: the control mean is 0. */
    public static final String ZERO_BASELINE = "ZERO_NEGATIVE_BASELINE_VARIATION";

    static LiftEstimate failed(String errorMessage) {
        return new LiftEstimate(null, null, null, null, null, null, errorMessage);
    }

    /** True when the numbers are defined. */
    public boolean defined() {
        return errorMessage == null;
    }
}
