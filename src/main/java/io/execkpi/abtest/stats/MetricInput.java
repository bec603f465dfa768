package io.execkpi.abtest.stats;

import java.util.List;

/**
 * One metric of an experiment: control and treatment arms as sufficient statistics, in the same
 * arm order for every metric of the experiment.
 *
 * @param metric   metric name, unique within the experiment
 * @param kind     mean (revenue-like) or proportion (conversion)
 * @param control  control arm
 * @param variants treatment arms, at least one
 */
public record MetricInput(String metric, MetricKind kind, SufficientStats control, List<SufficientStats> variants) {

    public MetricInput {
        variants = variants == null ? null : List.copyOf(variants);
    }
}
