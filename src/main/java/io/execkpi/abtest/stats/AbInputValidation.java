package io.execkpi.abtest.stats;

import java.util.HashSet;
import java.util.List;
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
        checkNames(control == null ? null : control.name(), variants.stream().map(ConversionArm::name).toList());
        validateWeights(weights, variants.size() + 1);
        if (!(srmThreshold > 0 && srmThreshold < 1)) {
            throw new InvalidExperimentInputException("srmThreshold", "must be in (0, 1), was " + srmThreshold);
        }
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
        checkNames(control == null ? null : control.name(), variants.stream().map(MeanArm::name).toList());
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
        if (!Double.isFinite(arm.sum())) {
            throw new InvalidExperimentInputException(path + ".sum", "must be a finite number, was " + arm.sum());
        }
        if (!Double.isFinite(arm.sumSquares())) {
            throw new InvalidExperimentInputException(path + ".sumSquares",
                    "must be a finite number, was " + arm.sumSquares());
        }
        double squareOfSumOverN = arm.sum() * (arm.sum() / arm.n());
        double deficit = squareOfSumOverN - arm.sumSquares();
        if (deficit > SUM_SQUARES_TOLERANCE * Math.max(Math.abs(arm.sumSquares()), squareOfSumOverN)) {
            throw new InvalidExperimentInputException(path + ".sumSquares",
                    "must be at least sum²/n = " + squareOfSumOverN + " (otherwise the variance is negative), was "
                            + arm.sumSquares());
        }
    }

    /** Arm names identify result rows, so they must be present and unique (control included). */
    private static void checkNames(String controlName, List<String> variantNames) {
        if (controlName == null || controlName.isBlank()) {
            throw new InvalidExperimentInputException("control.name", "must not be blank");
        }
        Set<String> seen = new HashSet<>();
        seen.add(controlName);
        for (int i = 0; i < variantNames.size(); i++) {
            String name = variantNames.get(i);
            if (name == null || name.isBlank()) {
                throw new InvalidExperimentInputException("variants[" + i + "].name", "must not be blank");
            }
            if (!seen.add(name)) {
                throw new InvalidExperimentInputException("variants[" + i + "].name",
                        "duplicate arm name '" + name + "'");
            }
        }
    }
}
