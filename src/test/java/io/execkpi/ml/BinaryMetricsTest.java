package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import io.execkpi.ml.eval.BinaryMetrics;
import io.execkpi.ml.eval.ModelMetrics;
import io.execkpi.ml.eval.StratifiedSplit;

import org.junit.jupiter.api.Test;
import org.tribuo.classification.evaluation.LabelEvaluationUtil;

/** Metric functions against values computed by hand (in the comments), not by running the code. */
class BinaryMetricsTest {

    // five rows, two positives: scores 0.9 (pos), 0.8 (neg), 0.6 (pos), 0.3 (neg), 0.1 (neg)
    static final int[] Y = {1, 0, 1, 0, 0};
    static final double[] P = {0.9, 0.8, 0.6, 0.3, 0.1};

    @Test
    void logLoss() {
        // −(ln 0.8 + ln(1 − 0.4)) / 2 = (0.2231435513 + 0.5108256238) / 2 = 0.3669845875
        assertThat(BinaryMetrics.logLoss(new int[] {1, 0}, new double[] {0.8, 0.4})).isCloseTo(0.3669845875, within(1e-9));
        // a certain mistake is clipped at 1e-15: −ln(1e-15) = 34.5387763949
        assertThat(BinaryMetrics.logLoss(new int[] {0}, new double[] {1.0})).isCloseTo(34.5387763949, within(1e-6));
        assertThat(BinaryMetrics.logLoss(new int[0], new double[0])).isNaN();
    }

    @Test
    void brier() {
        // ((0.8 − 1)² + (0.4 − 0)² + (0.5 − 1)²) / 3 = (0.04 + 0.16 + 0.25) / 3 = 0.15
        assertThat(BinaryMetrics.brier(new int[] {1, 0, 1}, new double[] {0.8, 0.4, 0.5})).isCloseTo(0.15, within(1e-12));
    }

    @Test
    void aucCountsOrderedPairsAndHalfTies() {
        // positive 0.9 beats all 3 negatives, positive 0.6 beats 0.3 and 0.1 but not 0.8: 5 of 6 pairs
        assertThat(BinaryMetrics.auc(Y, P)).isCloseTo(5.0 / 6, within(1e-12));
        // pairs (0.7,0.5)=1 (0.7,0.2)=1 (0.5,0.5)=½ (0.5,0.2)=1 → 3.5 / 4
        assertThat(BinaryMetrics.auc(new int[] {1, 1, 0, 0}, new double[] {0.7, 0.5, 0.5, 0.2}))
                .isCloseTo(0.875, within(1e-12));
        assertThat(BinaryMetrics.auc(new int[] {1, 1}, new double[] {0.2, 0.3})).isNaN();
    }

    @Test
    void averagePrecisionSumsPrecisionAtEachRecallStep() {
        // thresholds 0.9: P=1, R=½ → ½·1; 0.8: R unchanged; 0.6: P=⅔, R=1 → ½·⅔; total ⅚
        assertThat(BinaryMetrics.averagePrecision(Y, P)).isCloseTo(5.0 / 6, within(1e-12));
        // tied scores enter together: 0.9 (neg): P=0, R=0; {0.5, 0.5} (both pos): P=⅔, R=1 → 1·⅔
        assertThat(BinaryMetrics.averagePrecision(new int[] {0, 1, 1, 0}, new double[] {0.9, 0.5, 0.5, 0.2}))
                .isCloseTo(2.0 / 3, within(1e-12));
        assertThat(BinaryMetrics.averagePrecision(new int[] {0, 0}, new double[] {0.1, 0.2})).isNaN();
    }

    @Test
    void calibrationBinsAndExpectedCalibrationError() {
        int[] y = {0, 0, 1, 1, 1, 0};
        double[] p = {0.05, 0.15, 0.12, 0.95, 1.0, 0.55};
        BinaryMetrics.Calibration c = BinaryMetrics.calibration(y, p, 10);
        // bin 0: {0.05/0} mean 0.05 rate 0; bin 1: {0.15/0, 0.12/1} mean 0.135 rate 0.5;
        // bin 5: {0.55/0} mean 0.55 rate 0; bin 9: {0.95/1, 1.0/1} mean 0.975 rate 1 (p = 1 falls in the last bin)
        assertThat(c.bins()).hasSize(10);
        assertThat(c.bins().get(1).count()).isEqualTo(2);
        assertThat(c.bins().get(1).meanPredicted()).isCloseTo(0.135, within(1e-12));
        assertThat(c.bins().get(1).observedRate()).isCloseTo(0.5, within(1e-12));
        assertThat(c.bins().get(9).count()).isEqualTo(2);
        assertThat(c.bins().get(9).meanPredicted()).isCloseTo(0.975, within(1e-12));
        assertThat(c.bins().get(3).count()).isZero();
        assertThat(c.bins().get(3).meanPredicted()).isNaN();
        // ECE = (1·0.05 + 2·0.365 + 1·0.55 + 2·0.025) / 6 = 1.38 / 6 = 0.23
        assertThat(c.ece()).isCloseTo(0.23, within(1e-12));
    }

    @Test
    void confusionAtAThresholdIsInclusive() {
        // p ≥ 0.6: 0.9 (pos) 0.8 (neg) 0.6 (pos) → TP 2, FP 1, TN 2, FN 0; precision ⅔, recall 1, F1 = 4/5
        BinaryMetrics.Confusion c = BinaryMetrics.confusion(Y, P, 0.6);
        assertThat(c).isEqualTo(new BinaryMetrics.Confusion(2, 1, 2, 0));
        assertThat(c.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(c.recall()).isEqualTo(1.0);
        assertThat(c.f1()).isCloseTo(0.8, within(1e-12));
        assertThat(BinaryMetrics.confusion(Y, P, 0.95).precision()).isNaN();
    }

    @Test
    void f1MaximizingThreshold() {
        // F1 = 2TP / (predicted + positives): 0.9 → 2/3, 0.8 → 2/4, 0.6 → 4/5, 0.3 → 4/6, 0.1 → 4/7: best 0.6
        assertThat(BinaryMetrics.f1MaximizingThreshold(Y, P)).isEqualTo(0.6);
        assertThat(BinaryMetrics.f1MaximizingThreshold(new int[] {0, 0}, new double[] {0.1, 0.2})).isEqualTo(0.5);
    }

    @Test
    void rejectsLabelsAndScoresOutsideTheirDomains() {
        assertThatThrownBy(() -> BinaryMetrics.brier(new int[] {2}, new double[] {0.5}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinaryMetrics.brier(new int[] {1}, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinaryMetrics.brier(new int[] {1, 0}, new double[] {0.5}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aucAgreesWithTribuoOnRandomScoresWithTies() {
        Random random = new Random(7);
        int n = 2000;
        int[] y = new int[n];
        double[] p = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextDouble() < 0.1 ? 1 : 0;
            positive[i] = y[i] == 1;
            p[i] = Math.round(Math.min(1, Math.max(0, 0.3 * y[i] + random.nextDouble() * 0.7)) * 50) / 50.0;
        }
        assertThat(BinaryMetrics.auc(y, p)).isCloseTo(LabelEvaluationUtil.binaryAUCROC(positive, p), within(1e-9));
    }

    @Test
    void bestCandidateHasTheHighestDefinedAuc() {
        ModelMetrics.Candidate a = ModelMetrics.evaluate("a", Y, P, Y, P, 0);
        ModelMetrics.Candidate b = ModelMetrics.evaluate("b", Y, P, Y, new double[] {0.9, 0.1, 0.8, 0.3, 0.2}, 0);
        assertThat(ModelMetrics.best(java.util.List.of(a, b)).name()).isEqualTo("b");
        // the threshold comes from the training predictions, the confusion from the test predictions
        assertThat(a.threshold()).isEqualTo(0.6);
        assertThat(a.truePositives()).isEqualTo(2);
    }

    @Test
    void stratifiedSplitKeepsEachClassShareAndIsReproducible() {
        int[] labels = new int[1000];
        for (int i = 0; i < 1000; i += 20) {
            labels[i] = 1; // 50 positives
        }
        StratifiedSplit a = StratifiedSplit.of(labels, 0.2, 42);
        StratifiedSplit b = StratifiedSplit.of(labels, 0.2, 42);
        assertThat(a.test()).isEqualTo(b.test());
        assertThat(a.test()).hasSize(200);
        assertThat(a.train()).hasSize(800);
        assertThat(java.util.Arrays.stream(a.test()).filter(i -> labels[i] == 1).count()).isEqualTo(10);
        assertThat(java.util.stream.IntStream.concat(java.util.Arrays.stream(a.train()),
                java.util.Arrays.stream(a.test())).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 1000).toArray());
        assertThat(StratifiedSplit.of(labels, 0.2, 43).test()).isNotEqualTo(a.test());
    }
}
