package io.execkpi.abtest.stats;

import java.util.List;

/**
 * Result of {@link EffectStatistics#evaluate}: the options used, the sample-ratio check over all
 * arms and the corrected comparisons of every metric.
 */
public record ExperimentEffects(EffectOptions options, ArmsSrmResult srm, List<MetricEffects> metrics) {

    public ExperimentEffects {
        metrics = List.copyOf(metrics);
    }
}
