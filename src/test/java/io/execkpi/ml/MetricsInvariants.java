package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * What must hold in any {@code metrics.json} of a run whose test split has positives and negatives, whatever the
 * data: every metric is a number (a JSON {@code null} or a missing field fails), the confusion counts add up to the
 * test rows and to the test positives, rates and AUC/ECE lie in [0, 1], precision/recall/F1 and the base rates follow
 * from the counts, the calibration bins hold every test row and give back the ECE, and the top level is the candidate
 * with the highest test AUC.
 */
final class MetricsInvariants {

    static final double EPS = 1e-9;

    private MetricsInvariants() {
    }

    /** The field as a number; fails when it is missing, JSON null or not a number. */
    static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        assertThat(value).as("%s is present", field).isNotNull();
        assertThat(value.isNumber()).as("%s is a number, not %s", field, value).isTrue();
        return value.asDouble();
    }

    static long count(JsonNode node, String field) {
        double value = number(node, field);
        assertThat(value).as(field).isGreaterThanOrEqualTo(0).isEqualTo(Math.rint(value));
        return (long) value;
    }

    /** Asserts the invariants of the whole file: the top level and every candidate. */
    static void assertConsistent(JsonNode metrics) {
        long trainRows = count(metrics, "trainRows");
        long testRows = count(metrics, "testRows");
        long trainPositives = count(metrics, "trainPositives");
        long testPositives = count(metrics, "testPositives");
        assertThat(trainRows).isPositive();
        assertThat(testRows).isPositive();
        assertThat(testPositives).as("test positives").isBetween(1L, testRows - 1);
        assertThat(trainPositives).as("train positives").isBetween(0L, trainRows);
        assertThat(number(metrics, "trainBaseRate")).isCloseTo((double) trainPositives / trainRows, within(EPS));
        assertThat(number(metrics, "testBaseRate")).isCloseTo((double) testPositives / testRows, within(EPS));
        assertEvaluation(metrics, "top level", testRows, testPositives);

        JsonNode candidates = metrics.get("candidates");
        assertThat(candidates).as("candidates").isNotNull();
        assertThat(candidates.isArray()).isTrue();
        assertThat(candidates.size()).isPositive();
        List<String> names = new ArrayList<>();
        double bestAuc = Double.NEGATIVE_INFINITY;
        String best = null;
        for (JsonNode candidate : candidates) {
            String name = candidate.get("name").asString();
            names.add(name);
            assertEvaluation(candidate, name, testRows, testPositives);
            double auc = number(candidate, "auc");
            if (auc > bestAuc) {
                bestAuc = auc;
                best = name;
            }
        }
        assertThat(names).doesNotHaveDuplicates();
        assertThat(metrics.get("model").asString()).as("model: the highest test AUC").isEqualTo(best);
        assertThat(number(metrics, "auc")).isEqualTo(bestAuc);
    }

    /** Invariants of one evaluation (the top level or a candidate) on a test split of the given size. */
    static void assertEvaluation(JsonNode e, String what, long testRows, long testPositives) {
        long tp = count(e, "truePositives");
        long fp = count(e, "falsePositives");
        long tn = count(e, "trueNegatives");
        long fn = count(e, "falseNegatives");
        assertThat(tp + fp + tn + fn).as("%s: tp + fp + tn + fn = testRows", what).isEqualTo(testRows);
        assertThat(tp + fn).as("%s: tp + fn = test positives", what).isEqualTo(testPositives);
        for (String rate : List.of("auc", "averagePrecision", "brier", "ece", "threshold", "recall")) {
            assertThat(number(e, rate)).as("%s: %s in [0, 1]", what, rate).isBetween(0.0, 1.0);
        }
        assertThat(number(e, "logLoss")).as("%s: log loss", what).isGreaterThanOrEqualTo(0.0);
        assertThat(number(e, "recall")).as("%s: recall", what).isCloseTo((double) tp / (tp + fn), within(EPS));
        if (tp + fp > 0) {
            assertThat(number(e, "precision")).as("%s: precision", what)
                    .isCloseTo((double) tp / (tp + fp), within(EPS));
        }
        assertThat(number(e, "f1")).as("%s: f1", what).isCloseTo(2.0 * tp / (2 * tp + fp + fn), within(EPS));

        JsonNode bins = e.get("calibration");
        assertThat(bins).as("%s: calibration", what).isNotNull();
        long rows = 0;
        double ece = 0;
        for (JsonNode bin : bins) {
            long n = count(bin, "count");
            rows += n;
            if (n > 0) {
                double mean = number(bin, "meanPredicted");
                double observed = number(bin, "observedRate");
                assertThat(mean).as("%s: bin mean within its bounds", what)
                        .isBetween(number(bin, "lower") - EPS, number(bin, "upper") + EPS);
                assertThat(observed).isBetween(0.0, 1.0);
                ece += (double) n / testRows * Math.abs(mean - observed);
            }
        }
        assertThat(rows).as("%s: calibration bins hold every test row", what).isEqualTo(testRows);
        assertThat(number(e, "ece")).as("%s: ECE from the bins", what).isCloseTo(ece, within(EPS));
    }
}
