/**
 * A/B test statistics as pure functions: no Spring, no I/O, no state.
 *
 * <p>{@link io.execkpi.abtest.stats.AbStatistics} evaluates one experiment (a control arm and
 * one or more treatment arms) for a conversion metric (two-proportion z-test, Wald and
 * delta-method intervals, Bayesian chance to beat control, minimum detectable effect) or a mean
 * metric (Welch t-test with delta-method relative lift), checks the sample ratio and corrects
 * for multiple treatment arms with Holm–Bonferroni. {@link io.execkpi.abtest.stats.AbInputValidation}
 * rejects malformed inputs with {@link io.execkpi.abtest.stats.InvalidExperimentInputException};
 * well-formed but degenerate inputs (no conversions at all, zero variance, ...) give results whose
 * undefined numbers are {@code null} and whose {@code note} says why, never NaN or an exception.
 *
 * <p>{@link io.execkpi.abtest.stats.EffectStatistics} follows GrowthBook's stats engine gbstats
 * on per-arm sufficient statistics: CUPED with one θ pooled over the two arms compared, gbstats'
 * asymptotic confidence sequences for sequential testing beside the fixed-horizon result, risk
 * and chance to win, the sample-ratio check over every arm (an empty one flagged) and
 * {@link io.execkpi.abtest.stats.MultipleTesting} (Holm or Benjamini–Hochberg adjusted p-values
 * and adjusted intervals as GrowthBook computes them) over every (metric, treatment arm) pair.
 *
 * <p>All distributions and the quadrature come from commons-math3; the tests check the numbers
 * against published or independently computed reference values.
 */
package io.execkpi.abtest.stats;
