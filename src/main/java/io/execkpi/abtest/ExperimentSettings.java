package io.execkpi.abtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import io.execkpi.abtest.stats.AbStatistics;

import org.springframework.core.io.Resource;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * How experiments are judged ({@code jobs/experiments.yml}): defaults plus per-experiment overrides. Any field
 * left out of an override falls back to the defaults, then to the warehouse (control arm, intended weights).
 */
public record ExperimentSettings(Settings defaults, Map<String, Settings> experiments) {

    public static final String CONVERSION = "conversion";
    public static final String REVENUE_PER_USER = "revenue_per_user";

    /** One experiment's settings; null fields are not set. */
    public record Settings(Double alpha, Double srmThreshold, String primaryMetric, String control,
                           Map<String, Double> weights) {

        Settings over(Settings base) {
            return new Settings(alpha != null ? alpha : base.alpha, srmThreshold != null ? srmThreshold : base.srmThreshold,
                    primaryMetric != null ? primaryMetric : base.primaryMetric, control != null ? control : base.control,
                    weights != null ? weights : base.weights);
        }
    }

    private static final Settings BUILT_IN = new Settings(0.05, AbStatistics.DEFAULT_SRM_THRESHOLD, CONVERSION, null, null);

    public ExperimentSettings {
        defaults = defaults == null ? BUILT_IN : defaults.over(BUILT_IN);
        experiments = experiments == null ? Map.of() : Map.copyOf(experiments);
        check("defaults", defaults);
        for (Map.Entry<String, Settings> e : experiments.entrySet()) {
            check(e.getKey(), e.getValue().over(defaults));
        }
    }

    /** The effective settings of an experiment. */
    public Settings forExperiment(String experimentId) {
        Settings own = experiments.get(experimentId);
        return own == null ? defaults : own.over(defaults);
    }

    private static void check(String where, Settings s) {
        if (s.alpha <= 0 || s.alpha > 0.5) {
            throw new IllegalStateException("experiments.yml " + where + ": alpha must be in (0, 0.5], got " + s.alpha);
        }
        if (s.srmThreshold <= 0 || s.srmThreshold >= 1) {
            throw new IllegalStateException("experiments.yml " + where + ": srm-threshold must be in (0, 1)");
        }
        if (!CONVERSION.equals(s.primaryMetric) && !REVENUE_PER_USER.equals(s.primaryMetric)) {
            throw new IllegalStateException("experiments.yml " + where + ": primary-metric must be conversion or "
                    + "revenue_per_user, got " + s.primaryMetric);
        }
    }

    public static ExperimentSettings load(Resource resource) {
        YAMLMapper yaml = YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        try (InputStream in = resource.getInputStream()) {
            return yaml.readValue(in, ExperimentSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read experiment settings " + resource, e);
        }
    }
}
