package io.execkpi.abtest.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Multiple-testing corrections and adjusted intervals as GrowthBook computes them
 * ({@code adjustPValuesBenjaminiHochberg}, {@code adjustPValuesHolmBonferroni}, {@code adjustedCI}
 * and {@code getAdjustedCI} in {@code packages/shared/src/experiments/experiments.ts}).
 * p-values are probabilities in [0, 1]; results are returned in the input order.
 */
public final class MultipleTesting {

    /** GrowthBook treats an adjusted p-value above this as 1 and makes the interval unbounded. */
    static final double UNBOUNDED_ABOVE = 0.999999;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    private MultipleTesting() {
    }

    /**
     * Benjamini–Hochberg adjusted p-values (false discovery rate). With the m p-values sorted
     * descending, the i-th (0-based) becomes min(1, p·m/(m − i)), then a running minimum down the
     * list keeps them monotone — GrowthBook's {@code adjustPValuesBenjaminiHochberg}, which equals
     * R's {@code p.adjust(method = "BH")}.
     *
     * @param pValues raw p-values in [0, 1]; an empty array gives an empty array
     */
    public static double[] benjaminiHochberg(double[] pValues) {
        int m = pValues.length;
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> pValues[i]).reversed());
        double[] adjusted = new double[m];
        double running = Double.POSITIVE_INFINITY;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.min(running, Math.min(1.0, pValues[i] * m / (m - rank)));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * Holm–Bonferroni adjusted p-values (family-wise error rate); the same as GrowthBook's
     * {@code adjustPValuesHolmBonferroni}. See {@link AbStatistics#holm(double[])}.
     */
    public static double[] holm(double[] pValues) {
        return AbStatistics.holm(pValues);
    }

    /**
     * Adjusts with the chosen correction; {@link Correction#NONE} returns a copy of the input.
     */
    public static double[] adjust(Correction correction, double[] pValues) {
        return switch (correction) {
            case HOLM -> holm(pValues);
            case BH -> benjaminiHochberg(pValues);
            case NONE -> pValues.clone();
        };
    }

    /**
     * GrowthBook's adjusted interval for a corrected p-value: the standard deviation that would
     * give the estimate the adjusted p-value under a normal test, sd = |estimate / Φ⁻¹(1 − p̃/2)|,
     * and estimate ± Φ⁻¹(1 − alpha/2)·sd. It is used only when it is wider than the unadjusted
     * interval on both sides (otherwise the unadjusted interval is returned); an adjusted p-value
     * above 0.999999 gives (−∞, +∞).
     *
     * @param adjustedPValue corrected p-value in [0, 1]
     * @param estimate       point estimate (GrowthBook's {@code uplift.mean})
     * @param alpha          the experiment's two-sided level ({@code pValueThreshold})
     * @param ciLow          unadjusted lower bound
     * @param ciHigh         unadjusted upper bound
     * @return {low, high}; infinite bounds stand for "unbounded"
     */
    public static double[] adjustedInterval(double adjustedPValue, double estimate, double alpha,
                                            double ciLow, double ciHigh) {
        if (adjustedPValue > UNBOUNDED_ABOVE) {
            return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        }
        double low = 0;
        double high = 0;
        if (estimate != 0) {
            double z = STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha / 2);
            double sd = Math.abs(estimate / STANDARD_NORMAL.inverseCumulativeProbability(1 - adjustedPValue / 2));
            low = estimate - z * sd;
            high = estimate + z * sd;
        }
        if (low < ciLow && high > ciHigh) {
            return new double[] {low, high};
        }
        return new double[] {ciLow, ciHigh};
    }
}
