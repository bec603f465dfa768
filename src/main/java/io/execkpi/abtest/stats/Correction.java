package io.execkpi.abtest.stats;

/**
 * Multiple-testing correction over every (metric, treatment arm) pair of an experiment, as
 * GrowthBook applies it ({@code setAdjustedPValuesOnResults} in
 * {@code packages/shared/src/experiments/experiments.ts}).
 */
public enum Correction {
    /** Holm–Bonferroni: controls the family-wise error rate. */
    HOLM,
    /** Benjamini–Hochberg: controls the false discovery rate. */
    BH,
    /** No correction: adjusted p-values and intervals equal the raw ones. */
    NONE;

    /**
     * Parses {@code "holm"}, {@code "bh"} or {@code "none"} (case-insensitive).
     *
     * @throws InvalidExperimentInputException naming {@code field} for any other text
     */
    public static Correction parse(String text, String field) {
        return AbInputValidation.parseChoice(Correction.class, text, field);
    }
}
