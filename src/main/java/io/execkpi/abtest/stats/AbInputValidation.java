package io.execkpi.abtest.stats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks that experiment inputs are well formed before any statistic is computed. Each check
 * throws {@link InvalidExperimentInputException} naming the first offending field, so callers
 * (the evaluation job, the ad-hoc endpoint) can reject bad input at their boundary. The
 * {@link AbStatistics} evaluate methods run the same checks.
 */
public final class AbInputValidation {

    /** More arms than this make the Holm correction so strict that the experiment is pointless. */
    public static final int MAX_VARIANTS = 20;

    /**
     * Relative tolerance for Σy² ≥ (Σy)²/n: aggregates summed in floating point may violate it by
     * rounding, so only a larger deficit means the sum of squares does not belong to the sum.
     */
    static final double SUM_SQUARES_TOLERANCE = 1e-9;

    private AbInputValidation() {
    }

    /**
     * Validates a conversion experiment.
     *
     * @param weights      intended relative split, one weight per arm (control first); {@code null} = equal
     * @param srmThreshold significance level of the sample-ratio check, in (0, 1)
     * @throws InvalidExperimentInputException on the first malformed field
     */
    public static void validateConversion(ConversionArm control, List<ConversionArm> variants, double alpha,
                                          double[] weights, double srmThreshold) {
        validateAlpha(alpha);
        checkVariantList(variants);
        checkConversionArm(control, "control");
        for (int i = 0; i < variants.size(); i++) {
            checkConversionArm(variants.get(i), "variants[" + i + "]");
        }
        checkNames("", control == null ? null : control.name(), variants.stream().map(ConversionArm::name).toList());
        validateWeights(weights, variants.size() + 1);
        checkSrmThreshold(srmThreshold);
    }

    /**
     * Validates a mean-metric experiment.
     *
     * @throws InvalidExperimentInputException on the first malformed field
     */
    public static void validateMean(MeanArm control, List<MeanArm> variants, double alpha) {
        validateAlpha(alpha);
        checkVariantList(variants);
        checkMeanArm(control, "control");
        for (int i = 0; i < variants.size(); i++) {
            checkMeanArm(variants.get(i), "variants[" + i + "]");
        }
        checkNames("", control == null ? null : control.name(), variants.stream().map(MeanArm::name).toList());
    }

    /**
     * Validates the input of {@link EffectStatistics#evaluate}. Field paths are
     * {@code control.n}, {@code variants[0].sumProducts}, ... when there is one metric and
     * {@code metrics[1].variants[0].n}, ... when there are several.
     * <ul>
     *   <li>options: alpha in (0, 0.5], difference and correction present, sequential tuning
     *       (when present) a finite number &gt; 0;</li>
     *   <li>metrics: at least one, names unique and not blank, kind present, 1 to
     *       {@value #MAX_VARIANTS} treatment arms, the same arm names in the same order in every
     *       metric, and the same number of users per arm;</li>
     *   <li>arms: n ≥ 0 (an empty arm is allowed), sums finite; mean metrics need Σy² ≥ (Σy)²/n
     *       (and Σx² ≥ (Σx)²/n), proportions 0 ≤ Σy ≤ n (and 0 ≤ Σx ≤ n,
     *       0 ≤ Σxy ≤ min(Σy, Σx)); everything 0 when n is 0;</li>
     *   <li>covariate: preSum, preSumSquares and sumProducts on every arm of a metric or on none.</li>
     * </ul>
     *
     * @throws InvalidExperimentInputException on the first malformed field
     */
    public static void validateEffects(List<MetricInput> metrics, double[] weights, double srmThreshold,
                                       EffectOptions options) {
        if (options == null) {
            throw new InvalidExperimentInputException("options", "is required");
        }
        validateAlpha(options.alpha());
        if (options.difference() == null) {
            throw new InvalidExperimentInputException("difference", "is required");
        }
        if (options.correction() == null) {
            throw new InvalidExperimentInputException("correction", "is required");
        }
        Double tuning = options.sequentialTuning();
        if (tuning != null && !(tuning > 0 && Double.isFinite(tuning))) {
            throw new InvalidExperimentInputException("sequential.tuning",
                    "must be a finite number > 0, was " + tuning);
        }
        if (metrics == null || metrics.isEmpty()) {
            throw new InvalidExperimentInputException("metrics", "at least one metric is required");
        }
        Set<String> metricNames = new HashSet<>();
        for (int m = 0; m < metrics.size(); m++) {
            String prefix = metrics.size() == 1 ? "" : "metrics[" + m + "].";
            MetricInput metric = metrics.get(m);
            if (metric == null) {
                throw new InvalidExperimentInputException(metrics.size() == 1 ? "metric" : "metrics[" + m + "]",
                        "is required");
            }
            if (metric.metric() == null || metric.metric().isBlank() || !metricNames.add(metric.metric())) {
                throw new InvalidExperimentInputException(prefix + "metric",
                        "must be a unique, non-blank name, was " + metric.metric());
            }
            if (metric.kind() == null) {
                throw new InvalidExperimentInputException(prefix + "kind", "is required");
            }
            checkVariantList(metric.variants());
            checkStatsArm(metric.kind(), metric.control(), prefix + "control");
            for (int i = 0; i < metric.variants().size(); i++) {
                checkStatsArm(metric.kind(), metric.variants().get(i), prefix + "variants[" + i + "]");
            }
            checkNames(prefix, metric.control().name(),
                    metric.variants().stream().map(SufficientStats::name).toList());
            checkCovariateOnAllOrNone(metric, prefix);
            if (m > 0) {
                checkSameArms(metrics.get(0), metric, prefix);
            }
        }
        validateWeights(weights, metrics.get(0).variants().size() + 1);
        checkSrmThreshold(srmThreshold);
    }

    /**
     * Validates the input of {@link EffectStatistics#sampleRatioMismatchAllArms}: at least two
     * arms, counts ≥ 0, weights as {@link #validateWeights}, threshold in (0, 1).
     *
     * @throws InvalidExperimentInputException on the first malformed field
     */
    public static void validateSrmAllArms(long[] users, double[] weights, double threshold) {
        if (users == null || users.length < 2) {
            throw new InvalidExperimentInputException("users", "at least two arms are required");
        }
        for (int i = 0; i < users.length; i++) {
            if (users[i] < 0) {
                throw new InvalidExperimentInputException("users[" + i + "]", "must be >= 0, was " + users[i]);
            }
        }
        validateWeights(weights, users.length);
        checkSrmThreshold(threshold);
    }

    private static void checkSrmThreshold(double srmThreshold) {
        if (!(srmThreshold > 0 && srmThreshold < 1)) {
            throw new InvalidExperimentInputException("srmThreshold", "must be in (0, 1), was " + srmThreshold);
        }
    }

    private static void checkStatsArm(MetricKind kind, SufficientStats arm, String path) {
        if (arm == null) {
            throw new InvalidExperimentInputException(path, "is required");
        }
        if (arm.n() < 0) {
            throw new InvalidExperimentInputException(path + ".n", "must be >= 0, was " + arm.n());
        }
        boolean covariate = arm.hasAnyCovariate();
        if (covariate) {
            requirePreField(arm.preSum(), path + ".preSum");
            requirePreField(arm.preSumSquares(), path + ".preSumSquares");
            requirePreField(arm.sumProducts(), path + ".sumProducts");
            checkFinite(arm.sumProducts(), path + ".sumProducts");
        }
        if (kind == MetricKind.RATIO) {
            if (covariate) {
                throw new InvalidExperimentInputException(path + ".preSum", "CUPED is not available for ratio metrics");
            }
            if (arm.denominatorSum() == null || arm.denominatorSumSquares() == null
                    || arm.numeratorDenominatorProducts() == null) {
                throw new InvalidExperimentInputException(path + ".denominatorSum",
                        "a ratio metric needs denominatorSum, denominatorSumSquares and numeratorDenominatorProducts");
            }
            checkSums(arm.n(), arm.sum(), arm.sumSquares(), path + ".sum", path + ".sumSquares");
            checkSums(arm.n(), arm.denominatorSum(), arm.denominatorSumSquares(), path + ".denominatorSum",
                    path + ".denominatorSumSquares");
            checkFinite(arm.numeratorDenominatorProducts(), path + ".numeratorDenominatorProducts");
            return;
        }
        if (kind == MetricKind.MEAN) {
            checkSums(arm.n(), arm.sum(), arm.sumSquares(), path + ".sum", path + ".sumSquares");
            if (covariate) {
                checkSums(arm.n(), arm.preSum(), arm.preSumSquares(), path + ".preSum", path + ".preSumSquares");
                if (arm.n() == 0 && arm.sumProducts() != 0) {
                    throw new InvalidExperimentInputException(path + ".sumProducts",
                            "must be 0 when n is 0, was " + arm.sumProducts());
                }
            }
            return;
        }
        checkCount(arm.sum(), arm.n(), path + ".sum");
        if (covariate) {
            checkCount(arm.preSum(), arm.n(), path + ".preSum");
            checkCount(arm.sumProducts(), Math.min(arm.sum(), arm.preSum()), path + ".sumProducts");
        }
    }

    private static void requirePreField(Double value, String field) {
        if (value == null) {
            throw new InvalidExperimentInputException(field,
                    "is required with the other pre-period fields (preSum, preSumSquares, sumProducts)");
        }
    }

    /** A count of converted users: finite, 0 ≤ value ≤ max. */
    private static void checkCount(double value, double max, String field) {
        checkFinite(value, field);
        if (value < 0 || value > max) {
            throw new InvalidExperimentInputException(field, "must be in [0, " + max + "], was " + value);
        }
    }

    private static void checkCovariateOnAllOrNone(MetricInput metric, String prefix) {
        boolean any = metric.control().hasCovariate()
                || metric.variants().stream().anyMatch(SufficientStats::hasCovariate);
        if (!any) {
            return;
        }
        if (!metric.control().hasCovariate()) {
            throw new InvalidExperimentInputException(prefix + "control.preSum",
                    "is required on every arm when any arm has pre-period fields (CUPED)");
        }
        for (int i = 0; i < metric.variants().size(); i++) {
            if (!metric.variants().get(i).hasCovariate()) {
                throw new InvalidExperimentInputException(prefix + "variants[" + i + "].preSum",
                        "is required on every arm when any arm has pre-period fields (CUPED)");
            }
        }
    }

    private static void checkSameArms(MetricInput reference, MetricInput metric, String prefix) {
        if (metric.variants().size() != reference.variants().size()) {
            throw new InvalidExperimentInputException(prefix + "variants",
                    "every metric needs the same arms: expected " + reference.variants().size() + ", got "
                            + metric.variants().size());
        }
        checkSameArm(reference.control(), metric.control(), prefix + "control");
        for (int i = 0; i < metric.variants().size(); i++) {
            checkSameArm(reference.variants().get(i), metric.variants().get(i), prefix + "variants[" + i + "]");
        }
    }

    private static void checkSameArm(SufficientStats reference, SufficientStats arm, String path) {
        if (!reference.name().equals(arm.name())) {
            throw new InvalidExperimentInputException(path + ".name",
                    "every metric needs the same arms in the same order: expected '" + reference.name() + "', was '"
                            + arm.name() + "'");
        }
        if (reference.n() != arm.n()) {
            throw new InvalidExperimentInputException(path + ".n",
                    "every metric counts the same users per arm: expected " + reference.n() + ", was " + arm.n());
        }
    }

    /**
     * The constant of {@code type} whose lower-case name is {@code text} (case-insensitive).
     *
     * @throws InvalidExperimentInputException naming {@code field}, with the accepted names, otherwise
     */
    static <E extends Enum<E>> E parseChoice(Class<E> type, String text, String field) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name().toLowerCase(Locale.ROOT);
            if (name.equalsIgnoreCase(text)) {
                return constant;
            }
            names.add("'" + name + "'");
        }
        throw new InvalidExperimentInputException(field, "must be one of " + String.join(", ", names) + ", was "
                + text);
    }

    /** alpha must be in (0, 0.5]: a two-sided test at a level above 0.5 is meaningless. */
    static void validateAlpha(double alpha) {
        if (!(alpha > 0 && alpha <= 0.5)) {
            throw new InvalidExperimentInputException("alpha", "must be in (0, 0.5], was " + alpha);
        }
    }

    /** Weights, when given, need one finite positive entry per arm. */
    static void validateWeights(double[] weights, int arms) {
        if (weights == null) {
            return;
        }
        if (weights.length != arms) {
            throw new InvalidExperimentInputException("weights",
                    "needs one weight per arm (control first): expected " + arms + ", got " + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] > 0 && Double.isFinite(weights[i]))) {
                throw new InvalidExperimentInputException("weights[" + i + "]",
                        "must be a finite number > 0, was " + weights[i]);
            }
        }
    }

    private static void checkVariantList(List<?> variants) {
        if (variants == null || variants.isEmpty()) {
            throw new InvalidExperimentInputException("variants", "at least one treatment arm is required");
        }
        if (variants.size() > MAX_VARIANTS) {
            throw new InvalidExperimentInputException("variants",
                    "at most " + MAX_VARIANTS + " treatment arms are supported, got " + variants.size());
        }
    }

    private static void checkConversionArm(ConversionArm arm, String path) {
        if (arm == null) {
            throw new InvalidExperimentInputException(path, "is required");
        }
        if (arm.users() <= 0) {
            throw new InvalidExperimentInputException(path + ".users", "must be > 0, was " + arm.users());
        }
        if (arm.conversions() < 0) {
            throw new InvalidExperimentInputException(path + ".conversions", "must be >= 0, was " + arm.conversions());
        }
        if (arm.conversions() > arm.users()) {
            throw new InvalidExperimentInputException(path + ".conversions",
                    "must not exceed users (" + arm.users() + "), was " + arm.conversions());
        }
    }

    private static void checkMeanArm(MeanArm arm, String path) {
        if (arm == null) {
            throw new InvalidExperimentInputException(path, "is required");
        }
        if (arm.n() <= 0) {
            throw new InvalidExperimentInputException(path + ".n", "must be > 0, was " + arm.n());
        }
        checkSums(arm.n(), arm.sum(), arm.sumSquares(), path + ".sum", path + ".sumSquares");
    }

    /**
     * Σ and Σ² of n values must be finite, Σ² ≥ Σ²/n (up to rounding), and both 0 when n is 0.
     */
    private static void checkSums(long n, double sum, double sumSquares, String sumField, String squaresField) {
        checkFinite(sum, sumField);
        checkFinite(sumSquares, squaresField);
        if (n == 0) {
            if (sum != 0 || sumSquares != 0) {
                throw new InvalidExperimentInputException(sum != 0 ? sumField : squaresField,
                        "must be 0 when n is 0, was " + (sum != 0 ? sum : sumSquares));
            }
            return;
        }
        double squareOfSumOverN = sum * (sum / n);
        double deficit = squareOfSumOverN - sumSquares;
        if (deficit > SUM_SQUARES_TOLERANCE * Math.max(Math.abs(sumSquares), squareOfSumOverN)) {
            throw new InvalidExperimentInputException(squaresField,
                    "must be at least sum²/n = " + squareOfSumOverN + " (otherwise the variance is negative), was "
                            + sumSquares);
        }
    }

    private static void checkFinite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new InvalidExperimentInputException(field, "must be a finite number, was " + value);
        }
    }

    /** Arm names identify result rows, so they must be present and unique (control included). */
    private static void checkNames(String prefix, String controlName, List<String> variantNames) {
        if (controlName == null || controlName.isBlank()) {
            throw new InvalidExperimentInputException(prefix + "control.name", "must not be blank");
        }
        Set<String> seen = new HashSet<>();
        seen.add(controlName);
        for (int i = 0; i < variantNames.size(); i++) {
            String name = variantNames.get(i);
            if (name == null || name.isBlank()) {
                throw new InvalidExperimentInputException(prefix + "variants[" + i + "].name", "must not be blank");
            }
            if (!seen.add(name)) {
                throw new InvalidExperimentInputException(prefix + "variants[" + i + "].name",
                        "duplicate arm name '" + name + "'");
            }
        }
    }
}
