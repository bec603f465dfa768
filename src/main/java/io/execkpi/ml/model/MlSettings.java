package io.execkpi.ml.model;

import java.io.UncheckedIOException;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import io.execkpi.config.YamlSettings;

import org.springframework.core.io.Resource;

/**
 * Model settings of {@code mlJob} ({@code jobs/ml.yml}, kebab-case keys); see that file for what each value means.
 * Bound by Spring Boot's configuration-properties binder and checked by Bean Validation (the constraints below), as a
 * {@code @ConfigurationProperties @Validated} class is, but from the file alone, not from the application's
 * environment. (Not annotated {@code @Validated}: as a bean that would ask for a method-validation proxy, which a
 * record cannot have.)
 */
public record MlSettings(@Min(value = 1, message = "must be in 1..90") @Max(value = 90, message = "must be in 1..90")
                         int horizonDays,
                         @NotNull(message = "must be set") @Valid Training training,
                         @NotNull(message = "must be set") @Valid Split split,
                         @NotNull(message = "must be set") @Valid Xgboost xgboost,
                         @NotNull(message = "must be set") @Valid Logistic logistic,
                         @NotNull(message = "must be set") @Valid Explain explain,
                         @NotNull(message = "must be set") @Valid Scoring scoring) {

    /** Stratified train/test split. */
    public record Split(@DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1)")
                        @DecimalMax(value = "1", inclusive = false, message = "must be in (0, 1)") double testFraction,
                        long seed) {
    }

    /** Tribuo XGBoostClassificationTrainer parameters. */
    public record Xgboost(@Min(value = 1, message = "must be >= 1") int trees,
                          @Min(value = 1, message = "must be >= 1") int maxDepth,
                          @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1]")
                          @DecimalMax(value = "1", message = "must be in (0, 1]") double eta,
                          @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1]")
                          @DecimalMax(value = "1", message = "must be in (0, 1]") double subsample,
                          @DecimalMin(value = "0", inclusive = false, message = "must be in (0, 1]")
                          @DecimalMax(value = "1", message = "must be in (0, 1]") double colsample,
                          @DecimalMin(value = "0", message = "must be >= 0") double minChildWeight,
                          @NotNull(message = "must be auto, exact, approx or hist")
                          @Pattern(regexp = "auto|exact|approx|hist", message = "must be auto, exact, approx or hist")
                          String treeMethod,
                          long seed,
                          @Min(value = 1, message = "must be >= 1") int threads) {
    }

    /** Logistic-regression baseline: Tribuo LinearSGDTrainer with LogMulticlass and AdaGrad on standardized features. */
    public record Logistic(@Min(value = 1, message = "must be >= 1") int epochs,
                           @DecimalMin(value = "0", inclusive = false, message = "must be > 0") double learningRate,
                           long seed) {
    }

    /**
     * Training population bound: at most {@code maxRows} users (a deterministic uniform sample drawn by the feature
     * query in the warehouse, so the JVM never holds more) are split into train and test sets.
     */
    public record Training(@Min(value = 1000, message = "must be >= 1000") int maxRows) {
    }

    /** SHAP: explain at most this many test rows. */
    public record Explain(@Min(value = 1, message = "must be >= 1") int maxRows) {
    }

    /**
     * Scoring population: users with an event or order in these days before the business date (at most 90: the
     * feature query reads events of the 90 days before the cutoff).
     */
    public record Scoring(@Min(value = 1, message = "must be in 1..90") @Max(value = 90, message = "must be in 1..90")
                          int activeDays) {
    }

    /**
     * Reads and checks the settings file.
     *
     * @param resource a YAML file in the format of {@code jobs/ml.yml}
     * @return the settings
     * @throws IllegalStateException when a value is out of range, of the wrong type or missing, or a key is unknown; the
     *                               message names each key, e.g. {@code ml.yml: xgboost.eta must be in (0, 1] (value 0,
     *                               class path resource [jobs/ml.yml] - 14:8)}
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static MlSettings load(Resource resource) {
        return YamlSettings.bind(resource, "ml.yml", MlSettings.class, java.util.function.UnaryOperator.identity());
    }
}
