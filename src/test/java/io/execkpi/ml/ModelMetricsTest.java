package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import io.execkpi.ml.eval.BinaryMetrics;
import io.execkpi.ml.eval.ModelMetrics;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The metrics of a known tiny model, worked out by hand, as they reach {@code metrics.json}; and the invariants that
 * the end-to-end ML tests apply to a real run hold here and reject a JSON null.
 */
class ModelMetricsTest {

    // The tiny model's predictions. Training split:
    static final int[] Y_TRAIN = {1, 1, 0, 1, 0, 0};
    static final double[] P_TRAIN = {0.9, 0.8, 0.7, 0.6, 0.3, 0.2};
    // Test split (3 positives, 5 negatives; a positive and a negative tie at 0.62; no score on a bin edge):
    static final int[] Y_TEST = {1, 0, 1, 0, 0, 1, 0, 0};
    static final double[] P_TEST = {0.85, 0.65, 0.62, 0.62, 0.35, 0.25, 0.15, 0.05};

    @Test
    void aTinyModelsMetricsAreTheHandWorkedValues() {
        ModelMetrics.Candidate c = ModelMetrics.evaluate("tiny", Y_TRAIN, P_TRAIN, Y_TEST, P_TEST, 0.5);
        // threshold: F1 = 2TP / (predicted + 3) on the training cuts 0.9: 2/4, 0.8: 4/5, 0.7: 4/6, 0.6: 6/7,
        // 0.3: 6/8, 0.2: 6/9 → 0.6
        assertThat(c.threshold()).isEqualTo(0.6);
        // test at p ≥ 0.6: 0.85 (1) TP, 0.65 (0) FP, 0.62 (1) TP, 0.62 (0) FP; below: 0.35 TN, 0.25 (1) FN, 0.15 TN,
        // 0.05 TN
        assertThat(List.of(c.truePositives(), c.falsePositives(), c.trueNegatives(), c.falseNegatives()))
                .containsExactly(2L, 2L, 3L, 1L);
        assertThat(c.precision()).isCloseTo(0.5, within(1e-12));
        assertThat(c.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(c.f1()).isCloseTo(4.0 / 7, within(1e-12));
        // AUC over the 3 × 5 pairs: 0.85 beats all 5 negatives; 0.62 beats 0.35, 0.15, 0.05 and ties 0.62 (½);
        // 0.25 beats 0.15 and 0.05 → (5 + 3.5 + 2) / 15 = 0.7
        assertThat(c.auc()).isCloseTo(0.7, within(1e-12));
        // AP: cuts 0.85 (recall 1/3, precision 1), 0.62 (2/3, 2/4), 0.25 (1, 3/6) → 1/3 + 1/3·½ + 1/3·½ = 2/3
        assertThat(c.averagePrecision()).isCloseTo(2.0 / 3, within(1e-12));
        // Brier: (0.0225 + 0.4225 + 0.1444 + 0.3844 + 0.1225 + 0.5625 + 0.0225 + 0.0025) / 8
        assertThat(c.brier()).isCloseTo(1.6838 / 8, within(1e-12));
        // ECE with 10 bins: bin 8 {0.85: 1} |0.85 − 1|; bin 6 {0.65: 0, 0.62: 1, 0.62: 0} |0.63 − 1/3|·3;
        // bin 3 {0.35: 0}; bin 2 {0.25: 1} 0.75; bin 1 {0.15: 0}; bin 0 {0.05: 0}
        // → (0.15 + 0.89 + 0.35 + 0.75 + 0.15 + 0.05) / 8 = 2.34 / 8
        assertThat(c.ece()).isCloseTo(2.34 / 8, within(1e-12));
        assertThat(c.calibration()).extracting(ModelMetrics.CalibrationBin::count)
                .containsExactly(1L, 1L, 1L, 1L, 0L, 0L, 3L, 0L, 1L, 0L);
        // log loss: −(ln 0.85 + ln 0.35 + ln 0.62 + ln 0.38 + ln 0.65 + ln 0.25 + ln 0.85 + ln 0.95) / 8
        double logLoss = -(Math.log(0.85) + Math.log(0.35) + Math.log(0.62) + Math.log(0.38) + Math.log(0.65)
                + Math.log(0.25) + Math.log(0.85) + Math.log(0.95)) / 8;
        assertThat(c.logLoss()).isCloseTo(logLoss, within(1e-12));
    }

    @Test
    void theMetricsFileOfTheTinyModelSatisfiesTheInvariants() throws Exception {
        ModelMetrics.Candidate tiny = ModelMetrics.evaluate("tiny", Y_TRAIN, P_TRAIN, Y_TEST, P_TEST, 0.5);
        // a worse candidate: the reversed scores
        double[] reversedTrain = Arrays.stream(P_TRAIN).map(p -> 1 - p).toArray();
        double[] reversedTest = Arrays.stream(P_TEST).map(p -> 1 - p).toArray();
        ModelMetrics.Candidate reversed = ModelMetrics.evaluate("reversed", Y_TRAIN, reversedTrain, Y_TEST,
                reversedTest, 0.5);
        assertThat(reversed.auc()).isCloseTo(0.3, within(1e-12));
        JsonNode json = json(report(List.of(reversed, tiny)));
        MetricsInvariants.assertConsistent(json);
        assertThat(json.get("model").asString()).isEqualTo("tiny");
        assertThat(json.get("auc").asDouble()).isCloseTo(0.7, within(1e-12));
    }

    @Test
    void anUndefinedMetricIsAJsonNullAndFailsTheInvariants() throws Exception {
        // a test split without positives: AUC, recall and F1 are undefined
        ModelMetrics.Candidate c = ModelMetrics.evaluate("tiny", Y_TRAIN, P_TRAIN, new int[] {0, 0},
                new double[] {0.7, 0.1}, 0.5);
        assertThat(c.auc()).isNull();
        JsonNode json = json(report(List.of(c)));
        assertThat(json.has("auc")).as("present, but null").isTrue();
        assertThat(json.get("auc").isNull()).isTrue();
        assertThatThrownBy(() -> MetricsInvariants.number(json, "auc")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("auc is a number");
        assertThatThrownBy(() -> MetricsInvariants.number(json, "noSuchField")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> MetricsInvariants.assertConsistent(json)).isInstanceOf(AssertionError.class);
    }

    /** A report as MlSteps builds it: the best candidate at the top level. */
    static ModelMetrics.Report report(List<ModelMetrics.Candidate> candidates) {
        ModelMetrics.Candidate best = ModelMetrics.best(candidates);
        int testPositives = (int) (best.truePositives() + best.falseNegatives());
        int testRows = (int) (best.truePositives() + best.falsePositives() + best.trueNegatives()
                + best.falseNegatives());
        return new ModelMetrics.Report("2025-06-30_20250701000000", LocalDate.of(2025, 6, 30),
                Instant.parse("2025-06-16T00:00:00Z"), Instant.parse("2025-06-30T00:00:00Z"), best.name(),
                "highest test AUC", best.auc(), best.averagePrecision(), best.logLoss(), best.brier(), best.ece(),
                best.threshold(), ModelMetrics.THRESHOLD_RULE, best.truePositives(), best.falsePositives(),
                best.trueNegatives(), best.falseNegatives(), best.precision(), best.recall(), best.f1(),
                Y_TRAIN.length, testRows, Arrays.stream(Y_TRAIN).sum(), testPositives,
                ModelMetrics.n(BinaryMetrics.baseRate(Y_TRAIN)), ModelMetrics.n((double) testPositives / testRows),
                best.calibration(), List.of("x"), candidates);
    }

    static JsonNode json(ModelMetrics.Report report) throws Exception {
        return MlJson.MAPPER.readTree(MlJson.MAPPER.writeValueAsBytes(report));
    }
}
