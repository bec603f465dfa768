package io.execkpi.ml.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Metrics of a binary probabilistic classifier as small pure functions: labels are 0/1, scores are predicted
 * probabilities of class 1. Undefined values (no positives, no negatives, an empty input) are {@code NaN}, never an
 * exception; callers turn them into JSON {@code null}.
 */
public final class BinaryMetrics {

    /** The probability given to the observed class is at least EPS in the log loss: a certain mistake costs −ln 1e-15. */
    public static final double EPS = 1e-15;

    private BinaryMetrics() {
    }

    /**
     * Mean negative log-likelihood −(y·ln p + (1 − y)·ln(1 − p)), natural log; the probability of the observed class
     * is floored at 1e-15.
     */
    public static double logLoss(int[] y, double[] p) {
        check(y, p);
        if (y.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double observed = y[i] == 1 ? p[i] : 1 - p[i];
            sum -= Math.log(Math.max(observed, EPS));
        }
        return sum / y.length;
    }

    /** Brier score: mean of (p − y)². */
    public static double brier(int[] y, double[] p) {
        check(y, p);
        if (y.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double d = p[i] - y[i];
            sum += d * d;
        }
        return sum / y.length;
    }

    /** One calibration bin [lower, upper): its row count, mean prediction and observed rate (NaN when empty). */
    public record Bin(double lower, double upper, long count, double meanPredicted, double observedRate) {
    }

    /**
     * Reliability table of {@code bins} equal-width bins over [0, 1] (bin k holds k/bins ≤ p &lt; (k+1)/bins; p = 1
     * falls in the last bin) and the expected calibration error ECE = Σ (n_k / n)·|mean prediction_k − observed rate_k|.
     */
    public record Calibration(List<Bin> bins, double ece) {
    }

    public static Calibration calibration(int[] y, double[] p, int bins) {
        check(y, p);
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1");
        }
        long[] count = new long[bins];
        double[] sumP = new double[bins];
        long[] positives = new long[bins];
        for (int i = 0; i < y.length; i++) {
            int b = Math.min((int) (p[i] * bins), bins - 1);
            b = Math.max(b, 0);
            count[b]++;
            sumP[b] += p[i];
            positives[b] += y[i];
        }
        List<Bin> out = new ArrayList<>(bins);
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            double mean = count[b] == 0 ? Double.NaN : sumP[b] / count[b];
            double rate = count[b] == 0 ? Double.NaN : (double) positives[b] / count[b];
            out.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], mean, rate));
            if (count[b] > 0) {
                ece += (double) count[b] / y.length * Math.abs(mean - rate);
            }
        }
        return new Calibration(List.copyOf(out), y.length == 0 ? Double.NaN : ece);
    }

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
     * one half (Mann–Whitney U with mid-ranks). NaN without positives or without negatives.
     */
    public static double auc(int[] y, double[] p) {
        check(y, p);
        Integer[] order = order(p, false);
        long nPos = Arrays.stream(y).filter(v -> v == 1).count();
        long nNeg = y.length - nPos;
        if (nPos == 0 || nNeg == 0) {
            return Double.NaN;
        }
        double rankSumPos = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && p[order[j + 1]] == p[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (y[order[k]] == 1) {
                    rankSumPos += midRank;
                }
            }
            i = j + 1;
        }
        return (rankSumPos - nPos * (nPos + 1) / 2.0) / ((double) nPos * nNeg);
    }

    /**
     * Average precision: Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds in decreasing order, where P_k and
     * R_k are the precision and recall when every row scoring at least the k-th threshold is predicted positive (rows
     * with tied scores enter together). NaN without positives.
     */
    public static double averagePrecision(int[] y, double[] p) {
        check(y, p);
        long nPos = Arrays.stream(y).filter(v -> v == 1).count();
        if (nPos == 0) {
            return Double.NaN;
        }
        double ap = 0;
        double previousRecall = 0;
        for (Cut cut : cuts(y, p)) {
            double recall = (double) cut.truePositives() / nPos;
            ap += (recall - previousRecall) * cut.truePositives() / cut.predicted();
            previousRecall = recall;
        }
        return ap;
    }

    /** Confusion counts when rows with p ≥ threshold are predicted positive. */
    public record Confusion(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

        /** TP / (TP + FP); NaN when nothing is predicted positive. */
        public double precision() {
            return truePositives + falsePositives == 0 ? Double.NaN
                    : (double) truePositives / (truePositives + falsePositives);
        }

        /** TP / (TP + FN); NaN without positives. */
        public double recall() {
            return truePositives + falseNegatives == 0 ? Double.NaN
                    : (double) truePositives / (truePositives + falseNegatives);
        }

        /** 2·TP / (2·TP + FP + FN); NaN when there are neither positives nor positive predictions. */
        public double f1() {
            long denominator = 2 * truePositives + falsePositives + falseNegatives;
            return denominator == 0 ? Double.NaN : 2.0 * truePositives / denominator;
        }
    }

    public static Confusion confusion(int[] y, double[] p, double threshold) {
        check(y, p);
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < y.length; i++) {
            boolean predicted = p[i] >= threshold;
            if (predicted && y[i] == 1) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (y[i] == 1) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /**
     * The threshold maximizing F1 among the observed scores (predict positive when p ≥ threshold); on equal F1 the
     * higher threshold wins. 0.5 when there are no positives.
     */
    public static double f1MaximizingThreshold(int[] y, double[] p) {
        check(y, p);
        long nPos = Arrays.stream(y).filter(v -> v == 1).count();
        if (nPos == 0) {
            return 0.5;
        }
        double bestF1 = -1;
        double best = 0.5;
        for (Cut cut : cuts(y, p)) {
            // F1 = 2TP / (2TP + FP + FN) = 2TP / (predicted + positives)
            double f1 = 2.0 * cut.truePositives() / (cut.predicted() + nPos);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = cut.threshold();
            }
        }
        return best;
    }

    /** Share of positives; NaN for an empty input. */
    public static double baseRate(int[] y) {
        return y.length == 0 ? Double.NaN : (double) Arrays.stream(y).sum() / y.length;
    }

    /** Predicting positive when p ≥ threshold gives truePositives out of predicted rows. */
    private record Cut(double threshold, long truePositives, long predicted) {
    }

    /** One cut per distinct score, highest first; rows with tied scores enter together. */
    private static List<Cut> cuts(int[] y, double[] p) {
        Integer[] order = order(p, true);
        List<Cut> cuts = new ArrayList<>();
        long tp = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && p[order[j + 1]] == p[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                tp += y[order[k]];
            }
            cuts.add(new Cut(p[order[i]], tp, j + 1));
            i = j + 1;
        }
        return cuts;
    }

    private static Integer[] order(double[] p, boolean descending) {
        Comparator<Integer> byScore = Comparator.comparingDouble(i -> p[i]);
        return IntStream.range(0, p.length).boxed()
                .sorted(descending ? byScore.reversed() : byScore)
                .toArray(Integer[]::new);
    }

    private static void check(int[] y, double[] p) {
        if (y.length != p.length) {
            throw new IllegalArgumentException("labels and scores differ in length: " + y.length + " vs " + p.length);
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 0 && y[i] != 1) {
                throw new IllegalArgumentException("label " + i + " is " + y[i] + ", expected 0 or 1");
            }
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("score " + i + " is " + p[i] + ", expected a probability in [0, 1]");
            }
        }
    }
}
