package io.execkpi.abtest.stats;

import java.util.List;

/**
 * The comparisons of one metric, one per treatment arm in input order.
 *
 * @param metric   metric name
 * @param kind     mean or proportion
 * @param cuped    true when every arm carried a covariate (CUPED was attempted)
 * @param variants one comparison per treatment arm
 */
public record MetricEffects(String metric, MetricKind kind, boolean cuped, List<EffectComparison> variants) {

    public MetricEffects {
        variants = List.copyOf(variants);
    }
}
