package io.execkpi.abtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import io.execkpi.abtest.stats.AbStatistics;
import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.Difference;
import io.execkpi.abtest.stats.EffectOptions;
import io.execkpi.abtest.stats.InvalidExperimentInputException;

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

    /** The guardrail "share of assigned users with an order cancelled or returned after their assignment". */
    public static final String CANCEL_RETURN_RATE = "cancel_return_rate";
    /** The guardrail "average order value": completed revenue per completed order after assignment (lower is worse). */
    public static final String AOV = "aov";
    /** Guardrails abJob can evaluate (ab_metrics materializes their counts). */
    public static final List<String> GUARDRAILS = List.of(CANCEL_RETURN_RATE, AOV);
    /** The pre-assignment window of ab_metrics' covariate sums, in days (sql/&lt;dialect&gt;/ab_metrics.sql). */
    public static final int MATERIALIZED_CUPED_WINDOW_DAYS = 14;

    /**
     * CUPED for conversion and revenue per user.
     *
     * @param enabled    adjust with the pre-assignment revenue as covariate
     * @param windowDays length of the pre-assignment window in days; only the materialized
     *                   {@value #MATERIALIZED_CUPED_WINDOW_DAYS} is accepted
     */
    public record Cuped(Boolean enabled, Integer windowDays) {

        /** True when CUPED is asked for. */
        public boolean on() {
            return Boolean.TRUE.equals(enabled);
        }
    }

    /**
     * Sequential testing (gbstats' asymptotic confidence sequences) for every metric and guardrail.
     *
     * @param enabled use always-valid intervals and p-values
     * @param tuning  gbstats' tuning parameter (&gt; 0), default {@value EffectOptions#DEFAULT_SEQUENTIAL_TUNING}
     */
    public record Sequential(Boolean enabled, Double tuning) {

        /** The tuning parameter when sequential testing is on, else {@code null} (fixed horizon). */
        public Double tuningOrNull() {
            return Boolean.TRUE.equals(enabled)
                    ? (tuning != null ? tuning : EffectOptions.DEFAULT_SEQUENTIAL_TUNING) : null;
        }
    }

    /** The percentile at which ab_metrics caps revenue per user (sql/&lt;dialect&gt;/ab_metrics.sql). */
    public static final double MATERIALIZED_CAP_PERCENTILE = 0.99;

    /**
     * Capping (winsorization) of revenue per user, computed in the warehouse before the sums.
     *
     * @param enabled     use the capped sums for revenue per user (and its CUPED covariate)
     * @param percentile  the cap's percentile; only the materialized {@value #MATERIALIZED_CAP_PERCENTILE}
     * @param ignoreZeros compute the percentile over users with revenue only; not materialized: only false
     */
    public record Capping(Boolean enabled, Double percentile, Boolean ignoreZeros) {

        /** True when capping is asked for. */
        public boolean on() {
            return Boolean.TRUE.equals(enabled);
        }
    }

    /**
     * One experiment's settings; null fields are not set (they fall back to the defaults).
     *
     * @param alpha         significance level in (0, 0.5]
     * @param srmThreshold  SRM level in (0, 1)
     * @param primaryMetric {@link #CONVERSION} or {@link #REVENUE_PER_USER}
     * @param control       control arm name, or null for the warehouse's
     * @param weights       intended relative share per arm, or null for the warehouse's
     * @param cuped         CUPED for conversion and revenue per user
     * @param correction    holm | bh | none, over every (metric, treatment arm) pair of conversion and revenue per user
     * @param sequential    sequential testing for every metric and guardrail
     * @param guardrails    guardrail metrics, each one of {@link #GUARDRAILS}
     * @param capping       capping of revenue per user
     */
    public record Settings(Double alpha, Double srmThreshold, String primaryMetric, String control,
                           Map<String, Double> weights, Cuped cuped, String correction, Sequential sequential,
                           List<String> guardrails, Capping capping) {

        /** Settings without capping. */
        public Settings(Double alpha, Double srmThreshold, String primaryMetric, String control,
                        Map<String, Double> weights, Cuped cuped, String correction, Sequential sequential,
                        List<String> guardrails) {
            this(alpha, srmThreshold, primaryMetric, control, weights, cuped, correction, sequential, guardrails, null);
        }

        /** Settings without the issue-10 options (no CUPED, Holm, fixed horizon, no guardrails). */
        public Settings(Double alpha, Double srmThreshold, String primaryMetric, String control,
                        Map<String, Double> weights) {
            this(alpha, srmThreshold, primaryMetric, control, weights, null, null, null, null, null);
        }

        Settings over(Settings base) {
            return new Settings(alpha != null ? alpha : base.alpha, srmThreshold != null ? srmThreshold : base.srmThreshold,
                    primaryMetric != null ? primaryMetric : base.primaryMetric, control != null ? control : base.control,
                    weights != null ? weights : base.weights, cuped != null ? cuped : base.cuped,
                    correction != null ? correction : base.correction, sequential != null ? sequential : base.sequential,
                    guardrails != null ? guardrails : base.guardrails, capping != null ? capping : base.capping);
        }

        /** The effect options of revenue per user and guardrails: alpha, the given difference, correction, sequential. */
        public EffectOptions effectOptions(Difference difference) {
            return new EffectOptions(alpha, difference,
                    correction == null ? Correction.HOLM : Correction.parse(correction, "correction"),
                    sequential == null ? null : sequential.tuningOrNull());
        }

        /** True when CUPED is asked for. */
        public boolean cupedOn() {
            return cuped != null && cuped.on();
        }

        /** True when capping is asked for. */
        public boolean cappingOn() {
            return capping != null && capping.on();
        }

        /** The guardrails, never null. */
        public List<String> guardrailList() {
            return guardrails == null ? List.of() : guardrails;
        }
    }

    private static final Settings BUILT_IN = new Settings(0.05, AbStatistics.DEFAULT_SRM_THRESHOLD, CONVERSION, null,
            null, new Cuped(false, MATERIALIZED_CUPED_WINDOW_DAYS), "holm", new Sequential(false, null), List.of(),
            new Capping(false, MATERIALIZED_CAP_PERCENTILE, false));

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
        if (s.cuped != null && s.cuped.windowDays != null && s.cuped.windowDays != MATERIALIZED_CUPED_WINDOW_DAYS) {
            throw new IllegalStateException("experiments.yml " + where + ": cuped window-days must be "
                    + MATERIALIZED_CUPED_WINDOW_DAYS + " (the pre-assignment window ab_metrics materializes), got "
                    + s.cuped.windowDays);
        }
        if (s.capping != null && s.capping.percentile != null && s.capping.percentile != MATERIALIZED_CAP_PERCENTILE) {
            throw new IllegalStateException("experiments.yml " + where + ": capping percentile must be "
                    + MATERIALIZED_CAP_PERCENTILE + " (the percentile ab_metrics materializes), got "
                    + s.capping.percentile);
        }
        if (s.capping != null && Boolean.TRUE.equals(s.capping.ignoreZeros)) {
            throw new IllegalStateException("experiments.yml " + where + ": capping ignore-zeros is not supported: "
                    + "ab_metrics materializes the cap over all users, zeros included");
        }
        try {
            s.effectOptions(Difference.RELATIVE);
        } catch (InvalidExperimentInputException e) {
            throw new IllegalStateException("experiments.yml " + where + ": correction must be holm, bh or none, got "
                    + s.correction);
        }
        if (s.sequential != null && s.sequential.tuning != null && !(s.sequential.tuning > 0)) {
            throw new IllegalStateException("experiments.yml " + where + ": sequential tuning must be > 0");
        }
        for (String g : s.guardrailList()) {
            if (!GUARDRAILS.contains(g)) {
                throw new IllegalStateException("experiments.yml " + where + ": unknown guardrail '" + g
                        + "'; known: " + GUARDRAILS);
            }
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
