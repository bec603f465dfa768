package io.execkpi.ml.eval;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The content of {@code metrics.json} (camelCase field names; an undefined value is {@code null}, never NaN).
 * The chosen candidate's test metrics are at the top level and every candidate's under {@code candidates}.
 */
public final class ModelMetrics {

    private ModelMetrics() {
    }

    /** Rule that picks the decision threshold, recorded with it. */
    public static final String THRESHOLD_RULE = "F1-maximizing predicted probability on the training split";

    /** One reliability bin of the test split. */
    public record CalibrationBin(double lower, double upper, long count, Double meanPredicted, Double observedRate) {
    }

    /** Test-split metrics of one candidate; the threshold comes from its training-split predictions. */
    public record Candidate(String name, Double auc, Double averagePrecision, Double logLoss, Double brier, Double ece,
                            double threshold, long truePositives, long falsePositives, long trueNegatives,
                            long falseNegatives, Double precision, Double recall, Double f1,
                            List<CalibrationBin> calibration, double trainSeconds) {
    }

    public record Report(String runId, LocalDate businessDate, Instant cutoff, Instant labelWindowEnd, String model,
                         String selection,
                         Double auc, Double averagePrecision, Double logLoss, Double brier, Double ece,
                         double threshold, String thresholdRule,
                         long truePositives, long falsePositives, long trueNegatives, long falseNegatives,
                         Double precision, Double recall, Double f1,
                         int trainRows, int testRows, long trainPositives, long testPositives,
                         Double trainBaseRate, Double testBaseRate,
                         List<CalibrationBin> calibration, List<String> features, List<Candidate> candidates) {
    }

    /** Evaluates one candidate from its predictions on both splits. */
    public static Candidate evaluate(String name, int[] yTrain, double[] pTrain, int[] yTest, double[] pTest,
                                     double trainSeconds) {
        double threshold = BinaryMetrics.f1MaximizingThreshold(yTrain, pTrain);
        BinaryMetrics.Confusion c = BinaryMetrics.confusion(yTest, pTest, threshold);
        BinaryMetrics.Calibration calibration = BinaryMetrics.calibration(yTest, pTest, 10);
        return new Candidate(name, n(BinaryMetrics.auc(yTest, pTest)), n(BinaryMetrics.averagePrecision(yTest, pTest)),
                n(BinaryMetrics.logLoss(yTest, pTest)), n(BinaryMetrics.brier(yTest, pTest)), n(calibration.ece()),
                threshold, c.truePositives(), c.falsePositives(), c.trueNegatives(), c.falseNegatives(),
                n(c.precision()), n(c.recall()), n(c.f1()),
                calibration.bins().stream().map(b -> new CalibrationBin(b.lower(), b.upper(), b.count(),
                        n(b.meanPredicted()), n(b.observedRate()))).toList(),
                trainSeconds);
    }

    /** The candidate with the highest test AUC (an undefined AUC loses; ties keep the earlier candidate). */
    public static Candidate best(List<Candidate> candidates) {
        Candidate best = null;
        for (Candidate c : candidates) {
            double auc = c.auc() == null ? Double.NEGATIVE_INFINITY : c.auc();
            double bestAuc = best == null || best.auc() == null ? Double.NEGATIVE_INFINITY : best.auc();
            if (best == null || auc > bestAuc) {
                best = c;
            }
        }
        return best;
    }

    /** NaN → null (JSON has no NaN). */
    public static Double n(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
