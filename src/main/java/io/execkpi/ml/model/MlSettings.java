package io.execkpi.ml.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.springframework.core.io.Resource;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Model settings of {@code mlJob} ({@code jobs/ml.yml}); see that file for what each value means.
 */
public record MlSettings(int horizonDays, Split split, Xgboost xgboost, Logistic logistic, Explain explain,
                         Scoring scoring) {

    /** Stratified train/test split. */
    public record Split(double testFraction, long seed) {
    }

    /** Tribuo XGBoostClassificationTrainer parameters. */
    public record Xgboost(int trees, int maxDepth, double eta, double subsample, double colsample,
                          double minChildWeight, String treeMethod, long seed, int threads) {
    }

    /** Logistic-regression baseline: Tribuo LinearSGDTrainer with LogMulticlass and AdaGrad on standardized features. */
    public record Logistic(int epochs, double learningRate, long seed) {
    }

    /** SHAP: explain at most this many test rows. */
    public record Explain(int maxRows) {
    }

    /** Scoring population: users with an event or order in these days before the business date. */
    public record Scoring(int activeDays) {
    }

    public MlSettings {
        require(horizonDays >= 1 && horizonDays <= 90, "horizon-days must be in 1..90");
        require(split != null && split.testFraction > 0 && split.testFraction < 1, "split.test-fraction must be in (0, 1)");
        require(xgboost != null && xgboost.trees >= 1 && xgboost.maxDepth >= 1, "xgboost.trees and max-depth must be >= 1");
        require(xgboost.eta > 0 && xgboost.eta <= 1, "xgboost.eta must be in (0, 1]");
        require(xgboost.subsample > 0 && xgboost.subsample <= 1 && xgboost.colsample > 0 && xgboost.colsample <= 1,
                "xgboost.subsample and colsample must be in (0, 1]");
        require(xgboost.minChildWeight >= 0, "xgboost.min-child-weight must be >= 0");
        require(xgboost.threads >= 1, "xgboost.threads must be >= 1");
        require(xgboost.treeMethod != null && java.util.Set.of("auto", "exact", "approx", "hist")
                .contains(xgboost.treeMethod), "xgboost.tree-method must be auto, exact, approx or hist");
        require(logistic != null && logistic.epochs >= 1 && logistic.learningRate > 0,
                "logistic.epochs must be >= 1 and learning-rate > 0");
        require(explain != null && explain.maxRows >= 1, "explain.max-rows must be >= 1");
        // the feature query reads events of the 90 days before the cutoff
        require(scoring != null && scoring.activeDays >= 1 && scoring.activeDays <= 90,
                "scoring.active-days must be in 1..90");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("ml.yml: " + message);
        }
    }

    public static MlSettings load(Resource resource) {
        YAMLMapper yaml = YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        try (InputStream in = resource.getInputStream()) {
            return yaml.readValue(in, MlSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model settings " + resource, e);
        }
    }
}
