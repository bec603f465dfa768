package io.execkpi.abtest.stats;

/**
 * Analysis settings of {@link EffectStatistics}.
 *
 * @param alpha            two-sided level in (0, 0.5]; intervals are (1 − alpha)
 * @param difference       absolute or relative lift
 * @param correction       multiple-testing correction over every (metric, treatment arm) pair
 * @param sequentialTuning gbstats' sequential tuning parameter (the sample size at which the
 *                         confidence sequence is tightest; GrowthBook's default is
 *                         {@value #DEFAULT_SEQUENTIAL_TUNING}), or {@code null} for a fixed-horizon analysis
 */
public record EffectOptions(double alpha, Difference difference, Correction correction, Double sequentialTuning) {

    /** gbstats' default {@code sequential_tuning_parameter}. */
    public static final double DEFAULT_SEQUENTIAL_TUNING = 5000;

    /** alpha 0.05, relative lift, Holm, fixed horizon. */
    public static EffectOptions defaults() {
        return new EffectOptions(0.05, Difference.RELATIVE, Correction.HOLM, null);
    }

    /** True when the sequential (always-valid) analysis is asked for. */
    public boolean sequential() {
        return sequentialTuning != null;
    }
}
