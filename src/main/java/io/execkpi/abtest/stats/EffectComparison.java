package io.execkpi.abtest.stats;

/**
 * One treatment arm of one metric compared with control by {@link EffectStatistics#compare}.
 *
 * @param name               treatment arm name
 * @param n                  treatment users
 * @param lift               the reported lift: CUPED-adjusted when CUPED was applied, sequential
 *                           when a sequential analysis was asked for
 * @param unadjusted         the same analysis without CUPED; {@code null} unless CUPED was applied
 * @param fixedHorizon       the fixed-horizon version of {@code lift}; {@code null} unless sequential
 * @param theta              pooled CUPED coefficient θ; {@code null} unless CUPED was applied
 * @param varianceReduction  1 − Var(adjusted lift)/Var(unadjusted lift), a share (0.9 = 90 % less
 *                           variance); {@code null} unless CUPED was applied
 * @param chanceToWin        P(lift &gt; 0) under gbstats' effect posterior N(estimate, se²) with its
 *                           default flat prior, from the fixed-horizon moments of {@code lift}
 * @param risk               expected loss of shipping this arm, E[max(0, −lift)], in the units of
 *                           {@code lift} (gbstats {@code risk[1]})
 * @param riskControl        expected loss of keeping control, E[max(0, lift)] (gbstats {@code risk[0]})
 * @param adjustedPValue     {@code lift.pValue} corrected over every (metric, treatment arm) pair
 * @param adjustedCiLow      lower bound of GrowthBook's adjusted interval; {@code null} when unbounded
 * @param adjustedCiHigh     upper bound of GrowthBook's adjusted interval; {@code null} when unbounded
 * @param significant        {@code adjustedPValue < alpha}
 * @param note               why numbers are missing or what fell back, or {@code null}
 */
public record EffectComparison(String name, long n, LiftEstimate lift, LiftEstimate unadjusted,
                               LiftEstimate fixedHorizon, Double theta, Double varianceReduction,
                               Double chanceToWin, Double risk, Double riskControl, Double adjustedPValue,
                               Double adjustedCiLow, Double adjustedCiHigh, boolean significant, String note) {

    EffectComparison withCorrection(Double adjustedP, Double low, Double high, boolean isSignificant,
                                    String extraNote) {
        String joined = extraNote == null ? note : note == null ? extraNote : note + "; " + extraNote;
        return new EffectComparison(name, n, lift, unadjusted, fixedHorizon, theta, varianceReduction, chanceToWin,
                risk, riskControl, adjustedP, low, high, isSignificant, joined);
    }
}
