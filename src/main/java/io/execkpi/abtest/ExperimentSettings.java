package io.execkpi.abtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertFalse;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import io.execkpi.abtest.stats.AbStatistics;
import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.Difference;
import io.execkpi.abtest.stats.EffectOptions;
import io.execkpi.config.YamlSettings;

import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;

/**
 * How experiments are judged ({@code jobs/experiments.yml}, kebab-case keys): defaults plus per-experiment overrides.
 * Any field left out of an override falls back to the defaults, then to the built-in values (alpha 0.05, SRM 0.001,
 * conversion primary, no CUPED, Holm, fixed horizon, no guardrails, no capping, every segment attribute), then to the
 * warehouse (control arm, intended weights). Bound by Spring Boot's configuration-properties binder and checked by Bean Validation from the
 * file alone (see {@link #load(Resource)}); an unset field is {@code null} and passes every check. The binder runs the
 * Bean Validation constraints through Spring Boot's {@code ValidationBindHandler}, as it does for a {@code @Validated}
 * {@code @ConfigurationProperties} class; the record itself carries no {@code @Validated}: it is a bean, and that
 * annotation would ask Spring for a method-validation proxy, which a record (final) cannot have.
 */
public record ExperimentSettings(@Valid Settings defaults, Map<String, @Valid Settings> experiments) {

    public static final String CONVERSION = "conversion";
    public static final String REVENUE_PER_USER = "revenue_per_user";

    /** The guardrail "share of assigned users with an order cancelled or returned after their assignment". */
    public static final String CANCEL_RETURN_RATE = "cancel_return_rate";
    /** The guardrail "average order value": completed revenue per completed order after assignment (lower is worse). */
    public static final String AOV = "aov";
    /** Guardrails abJob can evaluate (ab_metrics materializes their counts). */
    public static final List<String> GUARDRAILS = List.of(CANCEL_RETURN_RATE, AOV);

    /** The segment attribute "users.traffic_source". */
    public static final String TRAFFIC_SOURCE = "traffic_source";
    /** The segment attribute "users.country" (top 20 countries of the experiment, the rest as {@code other}). */
    public static final String COUNTRY = "country";
    /** The segment attribute "browser of the user's first event". */
    public static final String BROWSER = "browser";
    /**
     * The segment attributes the ab_segments KPI materializes (sql/&lt;dialect&gt;/ab_segments.sql), in the order of the
     * built-in default of {@code segments}.
     */
    public static final List<String> SEGMENT_ATTRIBUTES = List.of(TRAFFIC_SOURCE, COUNTRY, BROWSER);
    /** The pre-assignment window of ab_metrics' covariate sums, in days (sql/&lt;dialect&gt;/ab_metrics.sql). */
    public static final int MATERIALIZED_CUPED_WINDOW_DAYS = 14;

    /**
     * CUPED for conversion and revenue per user.
     *
     * @param enabled    adjust with the pre-assignment revenue as covariate
     * @param windowDays length of the pre-assignment window in days; only the materialized
     *                   {@value #MATERIALIZED_CUPED_WINDOW_DAYS} is accepted
     */
    public record Cuped(Boolean enabled,
                        @Min(value = MATERIALIZED_CUPED_WINDOW_DAYS, message = WINDOW_MESSAGE)
                        @Max(value = MATERIALIZED_CUPED_WINDOW_DAYS, message = WINDOW_MESSAGE) Integer windowDays) {

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
    public record Sequential(Boolean enabled, @Positive(message = "must be > 0") Double tuning) {

        /** The tuning parameter when sequential testing is on, else {@code null} (fixed horizon). */
        public Double tuningOrNull() {
            return Boolean.TRUE.equals(enabled)
                    ? (tuning != null ? tuning : EffectOptions.DEFAULT_SEQUENTIAL_TUNING) : null;
        }
    }

    /** The percentile at which ab_metrics caps revenue per user (sql/&lt;dialect&gt;/ab_metrics.sql). */
    public static final double MATERIALIZED_CAP_PERCENTILE = 0.99;

    private static final String WINDOW_MESSAGE = "must be 14 (the pre-assignment window ab_metrics materializes)";
    private static final String PERCENTILE_MESSAGE = "must be 0.99 (the percentile ab_metrics materializes)";

    /**
     * Capping (winsorization) of revenue per user, computed in the warehouse before the sums.
     *
     * @param enabled     use the capped sums for revenue per user (and its CUPED covariate)
     * @param percentile  the cap's percentile; only the materialized {@value #MATERIALIZED_CAP_PERCENTILE}
     * @param ignoreZeros compute the percentile over users with revenue only; not materialized: only false
     */
    public record Capping(Boolean enabled,
                          @DecimalMin(value = "0.99", message = PERCENTILE_MESSAGE)
                          @DecimalMax(value = "0.99", message = PERCENTILE_MESSAGE) Double percentile,
                          @AssertFalse(message = "is not supported: ab_metrics materializes the cap over all users, "
                                  + "zeros included") Boolean ignoreZeros) {

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
     * @param segments      the segment attributes the experiment is read by (API {@code ?segment=} and the experiment
     *                      page), each one of {@link #SEGMENT_ATTRIBUTES}; an empty list: none
     */
    public record Settings(@DecimalMin(value = "0", inclusive = false, message = "must be in (0, 0.5]")
                           @DecimalMax(value = "0.5", message = "must be in (0, 0.5]") Double alpha,
                           @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1)")
                           @DecimalMax(value = "1", inclusive = false, message = "must be in (0, 1)") Double srmThreshold,
                           @Pattern(regexp = CONVERSION + "|" + REVENUE_PER_USER,
                                   message = "must be conversion or revenue_per_user") String primaryMetric,
                           String control,
                           Map<String, @Positive(message = "must be > 0") Double> weights,
                           @Valid Cuped cuped,
                           @Pattern(regexp = "(?i)holm|bh|none", message = "must be holm, bh or none") String correction,
                           @Valid Sequential sequential,
                           List<@Pattern(regexp = CANCEL_RETURN_RATE + "|" + AOV,
                                   message = "is an unknown guardrail; known: " + CANCEL_RETURN_RATE + ", " + AOV)
                                   String> guardrails,
                           @Valid Capping capping,
                           List<@Pattern(regexp = TRAFFIC_SOURCE + "|" + COUNTRY + "|" + BROWSER,
                                   message = "is an unknown segment attribute; known: " + TRAFFIC_SOURCE + ", "
                                           + COUNTRY + ", " + BROWSER + " (what ab_segments materializes)")
                                   String> segments) {

        /** The constructor the binder uses (the record has shorter ones for code). */
        @ConstructorBinding
        public Settings {
        }

        /** Settings without segments (they fall back to the defaults). */
        public Settings(Double alpha, Double srmThreshold, String primaryMetric, String control,
                        Map<String, Double> weights, Cuped cuped, String correction, Sequential sequential,
                        List<String> guardrails, Capping capping) {
            this(alpha, srmThreshold, primaryMetric, control, weights, cuped, correction, sequential, guardrails,
                    capping, null);
        }

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
                    guardrails != null ? guardrails : base.guardrails, capping != null ? capping : base.capping,
                    segments != null ? segments : base.segments);
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

        /** The segment attributes the experiment is read by, in the file's order without repeats; never null. */
        public List<String> segmentList() {
            return segments == null ? List.of() : segments.stream().distinct().toList();
        }
    }

    private static final Settings BUILT_IN = new Settings(0.05, AbStatistics.DEFAULT_SRM_THRESHOLD, CONVERSION, null,
            null, new Cuped(false, MATERIALIZED_CUPED_WINDOW_DAYS), "holm", new Sequential(false, null), List.of(),
            new Capping(false, MATERIALIZED_CAP_PERCENTILE, false), SEGMENT_ATTRIBUTES);

    public ExperimentSettings {
        defaults = defaults == null ? BUILT_IN : defaults.over(BUILT_IN);
        experiments = experiments == null ? Map.of() : Map.copyOf(experiments);
    }

    /** The effective settings of an experiment. */
    public Settings forExperiment(String experimentId) {
        Settings own = experiments.get(experimentId);
        return own == null ? defaults : own.over(defaults);
    }

    /**
     * Reads and checks the settings file with {@link YamlSettings} (Spring Boot's binder, Bean Validation, unknown
     * keys are errors). Experiment keys and arm names (under {@code weights}) are kept verbatim, underscores and case
     * included.
     *
     * @param resource a YAML file in the format of {@code jobs/experiments.yml}
     * @return the settings, defaults merged over the built-in values
     * @throws IllegalStateException when a value is out of range, of the wrong type, or a key is unknown; the message
     *                               names each key, e.g. {@code experiments.yml: experiments[pricing].alpha must be in
     *                               (0, 0.5] (value 0.7, class path resource [jobs/experiments.yml] - 40:12)}
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static ExperimentSettings load(Resource resource) {
        return YamlSettings.bind(resource, "experiments.yml", ExperimentSettings.class, ExperimentSettings::verbatimKeys);
    }

    /**
     * The binder drops every character but a-z, 0-9 and '-' from a map key unless it is in brackets: put experiment
     * keys ({@code experiments.<key>}) and arm names ({@code ….weights.<arm>}) in brackets, keeping each value's origin.
     */
    private static PropertySource<?> verbatimKeys(PropertySource<?> source) {
        if (!(source instanceof MapPropertySource map)) {
            return source;
        }
        Map<String, Object> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, Object> property : map.getSource().entrySet()) {
            String name = property.getKey();
            String[] parts = name.split("\\.", -1);
            if (parts.length > 2 && parts[0].equals("experiments")) {
                parts[1] = "[" + parts[1] + "]";
            }
            for (int i = 1; i + 1 < parts.length; i++) {
                if (parts[i].equals("weights") && (i == 1 || i == 2)) {
                    parts[i + 1] = "[" + parts[i + 1] + "]";
                }
            }
            renamed.put(String.join(".", parts).replace(".[", "["), property.getValue()); // an OriginTrackedValue
        }
        return new OriginTrackedMapPropertySource(source.getName(), renamed);
    }
}
