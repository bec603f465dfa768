package io.execkpi.abtest.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.IntStream;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * Frequentist and Bayesian statistics of one A/B experiment (control + treatment arms), as
 * static pure functions.
 *
 * <p>Conventions: tests are two-sided at level alpha; intervals are (1 − alpha); quantiles come
 * from alpha (never a hard-coded 1.96); treatment arms are corrected for multiplicity with Holm's
 * step-down procedure, so "significant" controls the family-wise error rate across the arms of
 * one metric. Degenerate data never produce NaN, infinity or an exception: undefined numbers are
 * {@code null} and {@code note} explains them. Malformed input throws
 * {@link InvalidExperimentInputException} (see {@link AbInputValidation}).
 */
public final class AbStatistics {

    /** Default SRM level: strict, because a false alarm would discard a healthy experiment. */
    public static final double DEFAULT_SRM_THRESHOLD = 0.001;
    /** Power for the minimum detectable effect. */
    public static final double MDE_POWER = 0.8;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
    private static final double Z_POWER = STANDARD_NORMAL.inverseCumulativeProbability(MDE_POWER);

    private AbStatistics() {
    }

    // ---------------------------------------------------------------- sample ratio mismatch

    /**
     * Pearson chi-square goodness-of-fit test of the observed user counts against the intended
     * split: expected_i = N · w_i / Σw, χ² = Σ (o_i − e_i)² / e_i, df = arms − 1. The p-value is
     * the regularized upper incomplete gamma Q(df/2, χ²/2) (the χ² survival function), computed
     * directly rather than as 1 − CDF so that tiny p-values keep their precision.
     *
     * @param users     user count per arm (control first), each &gt; 0, at least two arms
     * @param weights   relative intended weights, one per arm; {@code null} = equal split
     * @param threshold flag a mismatch when p &lt; threshold (e.g. {@link #DEFAULT_SRM_THRESHOLD})
     * @throws InvalidExperimentInputException for fewer than two arms, counts ≤ 0 or bad weights
     */
    public static SrmResult sampleRatioMismatch(long[] users, double[] weights, double threshold) {
        if (users == null || users.length < 2) {
            throw new InvalidExperimentInputException("users", "at least two arms are required");
        }
        for (int i = 0; i < users.length; i++) {
            if (users[i] <= 0) {
                throw new InvalidExperimentInputException("users[" + i + "]", "must be > 0, was " + users[i]);
            }
        }
        AbInputValidation.validateWeights(weights, users.length);
        double total = Arrays.stream(users).asDoubleStream().sum();
        double weightSum = weights == null ? users.length : Arrays.stream(weights).sum();
        double chiSquare = 0;
        for (int i = 0; i < users.length; i++) {
            double expected = total * (weights == null ? 1.0 : weights[i]) / weightSum;
            double deviation = users[i] - expected;
            chiSquare += deviation * deviation / expected;
        }
        double pValue = Gamma.regularizedGammaQ((users.length - 1) / 2.0, chiSquare / 2);
        return new SrmResult(chiSquare, pValue, pValue < threshold, threshold);
    }

    // ---------------------------------------------------------------- conversion metric

    /**
     * {@link #evaluateConversion(ConversionArm, List, double, double[], double)} with an equal split
     * and the default SRM level.
     */
    public static ConversionEvaluation evaluateConversion(ConversionArm control, List<ConversionArm> variants,
                                                          double alpha) {
        return evaluateConversion(control, variants, alpha, null, DEFAULT_SRM_THRESHOLD);
    }

    /**
     * Evaluates a conversion metric: SRM on the user counts, then for each treatment arm t against
     * control c (rates p = conversions / users):
     * <ul>
     *   <li><b>z-test</b> with the pooled standard error (the null hypothesis is p_t = p_c, so
     *       the variance is estimated under it): p̂ = (x_c + x_t)/(n_c + n_t),
     *       z = (p_t − p_c) / √(p̂(1−p̂)(1/n_c + 1/n_t)), p = 2Φ(−|z|);</li>
     *   <li><b>absolute lift</b> p_t − p_c ± z_{1−α/2}·√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c)
     *       (unpooled Wald: the interval is about the difference, not under the null);</li>
     *   <li><b>relative lift</b> r = (p_t − p_c)/p_c ± z_{1−α/2}·√Var with the delta-method
     *       Var = p_t(1−p_t)/(p_c²n_t) + p_c(1−p_c)·p_t²/(p_c⁴n_c);</li>
     *   <li><b>Holm–Bonferroni</b> adjusted z-test p-values across the treatment arms; an arm is
     *       significant when its adjusted p &lt; alpha;</li>
     *   <li><b>chance to beat control</b> P(p_t &gt; p_c) under Beta(1 + x, 1 + n − x) posteriors
     *       (see {@link #chanceToBeatControl});</li>
     *   <li><b>minimum detectable effect</b> (see {@link #minimumDetectableEffect}).</li>
     * </ul>
     *
     * @param weights      intended relative split, control first; {@code null} = equal
     * @param srmThreshold SRM significance level, in (0, 1)
     * @throws InvalidExperimentInputException when {@link AbInputValidation#validateConversion} rejects the input
     */
    public static ConversionEvaluation evaluateConversion(ConversionArm control, List<ConversionArm> variants,
                                                          double alpha, double[] weights, double srmThreshold) {
        AbInputValidation.validateConversion(control, variants, alpha, weights, srmThreshold);
        long[] users = new long[variants.size() + 1];
        users[0] = control.users();
        for (int i = 0; i < variants.size(); i++) {
            users[i + 1] = variants.get(i).users();
        }
        SrmResult srm = sampleRatioMismatch(users, weights, srmThreshold);

        double zAlpha = STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha / 2);
        double nc = control.users();
        double pc = control.rate();
        int m = variants.size();
        Double[] pValues = new Double[m];
        List<Notes> notes = new ArrayList<>(m);
        List<ConversionComparison> raw = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            ConversionArm arm = variants.get(i);
            Notes note = new Notes();
            double nt = arm.users();
            double pt = arm.rate();
            double diff = pt - pc;

            Double z = null;
            double pooled = (double) (control.conversions() + arm.conversions()) / (nc + nt);
            if (pooled > 0 && pooled < 1) {
                z = diff / Math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt));
                pValues[i] = twoSidedNormal(z);
            } else {
                note.add("no " + (pooled == 0 ? "conversions" : "non-conversions")
                        + " in either arm: the z-test is undefined");
            }

            double waldSe = Math.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc);
            Interval absolute = normalInterval(diff, waldSe, zAlpha, note, "absolute lift",
                    "both rates are 0 or 1, so the Wald standard error is 0");

            Interval relative;
            if (pc == 0) {
                relative = Interval.undefined();
                note.add("control rate is 0: relative lift is undefined");
            } else {
                double ratio = pt / pc;
                double variance = (pt * (1 - pt) / nt + ratio * ratio * pc * (1 - pc) / nc) / (pc * pc);
                relative = normalInterval(diff / pc, Math.sqrt(variance), zAlpha, note, "relative lift",
                        "its delta-method standard error is 0");
            }

            Double mde = minimumDetectableEffect(pc, control.users(), arm.users(), alpha);
            if (mde == null) {
                note.add("control rate is 0 or 1: minimum detectable effect is undefined");
            }
            raw.add(new ConversionComparison(arm.name(), arm.users(), arm.conversions(), pt, finite(z),
                    finite(pValues[i]), null, false, absolute, relative,
                    ChanceToBeat.probability(control, arm), mde, null));
            notes.add(note);
        }
        Double[] adjusted = holmOrNull(pValues);
        List<ConversionComparison> out = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            ConversionComparison c = raw.get(i);
            out.add(new ConversionComparison(c.name(), c.users(), c.conversions(), c.rate(), c.zScore(), c.pValue(),
                    adjusted[i], adjusted[i] != null && adjusted[i] < alpha, c.absoluteLift(), c.relativeLift(),
                    c.chanceToBeatControl(), c.minimumDetectableEffect(), notes.get(i).text()));
        }
        return new ConversionEvaluation(alpha, srm, control, pc, out);
    }

    /**
     * P(p_t &gt; p_c) under independent Beta(1 + conversions, 1 + users − conversions) posteriors
     * (uniform priors), accurate to about 1e-8 for any sample size (the tests require 1e-6): an
     * exact finite sum for small parameters, Gauss–Hermite quadrature otherwise (see
     * {@link ChanceToBeat}).
     */
    public static double chanceToBeatControl(ConversionArm control, ConversionArm treatment) {
        return ChanceToBeat.probability(control, treatment);
    }

    /**
     * Minimum detectable absolute effect with 80 % power for a two-sided test at level alpha,
     * given the current sample sizes and the control rate:
     * <pre>MDE = (z_{1−α/2} + z_{0.8}) · √(p_c(1 − p_c) · (1/n_c + 1/n_t))</pre>
     * i.e. the usual normal-approximation power formula with the control variance for both arms
     * (accurate while the effect is small against p_c(1 − p_c)). It answers "how large a lift
     * could this experiment have seen by now", which is what makes a non-significant result
     * interpretable.
     *
     * @return the MDE, or {@code null} when p_c is 0 or 1 (the formula would claim 0)
     */
    public static Double minimumDetectableEffect(double controlRate, long controlUsers, long treatmentUsers,
                                                 double alpha) {
        double variance = controlRate * (1 - controlRate);
        if (!(variance > 0)) {
            return null;
        }
        double zAlpha = STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha / 2);
        return finite((zAlpha + Z_POWER) * Math.sqrt(variance * (1.0 / controlUsers + 1.0 / treatmentUsers)));
    }

    // ---------------------------------------------------------------- mean metric

    /**
     * Evaluates a mean metric by Welch's t-test, which does not assume equal variances (revenue
     * arms rarely have them). Per arm m = Σy/n and s² = (Σy² − (Σy)²/n)/(n − 1); with
     * a = s_t²/n_t and b = s_c²/n_c:
     * <ul>
     *   <li>t = (m_t − m_c)/√(a + b), Welch–Satterthwaite df = (a + b)² / (a²/(n_t−1) + b²/(n_c−1)),
     *       p = 2·T_df(−|t|), interval (m_t − m_c) ± t_{df,1−α/2}·√(a + b);</li>
     *   <li>relative lift r = (m_t − m_c)/m_c with the delta-method
     *       Var(r) = s_t²/(m_c²n_t) + m_t²s_c²/(m_c⁴n_c), its interval and p-value from the same
     *       t distribution (same df, so both lifts are judged on one scale);</li>
     *   <li>Holm-adjusted p-values of the absolute lift across the treatment arms.</li>
     * </ul>
     *
     * @throws InvalidExperimentInputException when {@link AbInputValidation#validateMean} rejects the input
     */
    public static List<MeanComparison> evaluateMean(MeanArm control, List<MeanArm> variants, double alpha) {
        AbInputValidation.validateMean(control, variants, alpha);
        double mc = control.mean();
        double vc = control.variance();
        double nc = control.n();
        int m = variants.size();
        Double[] pValues = new Double[m];
        List<MeanComparison> raw = new ArrayList<>(m);
        List<Notes> notes = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            MeanArm arm = variants.get(i);
            Notes note = new Notes();
            double mt = arm.mean();
            double vt = arm.variance();
            double nt = arm.n();
            double diff = mt - mc;
            Double rel = mc == 0 ? null : finite(diff / mc);
            if (mc == 0) {
                note.add("control mean is 0: relative lift is undefined");
            }
            Double t = null;
            Double df = null;
            Interval absolute = Interval.estimateOnly(finite(diff));
            Interval relative = Interval.estimateOnly(rel);
            if (control.n() < 2 || arm.n() < 2) {
                note.add("an arm has fewer than 2 users: its variance, the t-test and the intervals are undefined");
            } else {
                double a = vt / nt;
                double b = vc / nc;
                if (!(a + b > 0)) {
                    note.add("both arms have zero variance: the t-test and the intervals are undefined");
                } else {
                    df = finite((a + b) * (a + b) / (a * a / (nt - 1) + b * b / (nc - 1)));
                    if (df != null) {
                        TDistribution dist = new TDistribution(null, df);
                        double tQuantile = dist.inverseCumulativeProbability(1 - alpha / 2);
                        double se = Math.sqrt(a + b);
                        t = finite(diff / se);
                        pValues[i] = t == null ? null : 2 * dist.cumulativeProbability(-Math.abs(t));
                        absolute = tInterval(diff, se, tQuantile, dist, note, "absolute lift",
                                "its standard error is 0");
                        if (rel != null) {
                            double ratio = mt / mc;
                            double variance = (vt / nt + ratio * ratio * vc / nc) / (mc * mc);
                            relative = tInterval(rel, Math.sqrt(variance), tQuantile, dist, note, "relative lift",
                                    "its delta-method standard error is 0");
                        }
                    } else {
                        note.add("degrees of freedom overflow: the t-test is undefined");
                    }
                }
            }
            raw.add(new MeanComparison(arm.name(), arm.n(), finite(mt), finite(vt), t, df, finite(pValues[i]),
                    null, false, absolute, relative, null));
            notes.add(note);
        }
        Double[] adjusted = holmOrNull(pValues);
        List<MeanComparison> out = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            MeanComparison c = raw.get(i);
            out.add(new MeanComparison(c.name(), c.n(), c.mean(), c.variance(), c.tStatistic(), c.degreesOfFreedom(),
                    c.pValue(), adjusted[i], adjusted[i] != null && adjusted[i] < alpha, c.absoluteLift(),
                    c.relativeLift(), notes.get(i).text()));
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- multiplicity

    /**
     * Holm–Bonferroni step-down adjustment, which controls the family-wise error rate like
     * Bonferroni but is uniformly more powerful. With p sorted ascending p₍₁₎ ≤ … ≤ p₍ₘ₎:
     * <pre>p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎)</pre>
     * (the running maximum keeps adjusted p-values in the order of the raw ones). Returned in the
     * input order.
     *
     * @param pValues raw p-values in [0, 1]
     */
    public static double[] holm(double[] pValues) {
        int m = pValues.length;
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * Holm over the experiment's arms where an undefined p-value counts as 1, so the family
     * size stays the number of treatment arms (conservative); its adjusted value stays null.
     */
    private static Double[] holmOrNull(Double[] pValues) {
        double[] filled = new double[pValues.length];
        for (int i = 0; i < pValues.length; i++) {
            filled[i] = pValues[i] == null ? 1.0 : pValues[i];
        }
        double[] adjusted = holm(filled);
        Double[] out = new Double[pValues.length];
        for (int i = 0; i < pValues.length; i++) {
            out[i] = pValues[i] == null ? null : adjusted[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private static double twoSidedNormal(double z) {
        return 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));
    }

    /** estimate ± z·se with the matching normal p-value; estimate only when se is 0 or not finite. */
    private static Interval normalInterval(double estimate, double se, double z, Notes note, String what,
                                           String whyZero) {
        if (!(se > 0 && Double.isFinite(se) && Double.isFinite(estimate))) {
            note.add(what + " interval is undefined: " + (se == 0 ? whyZero : "numeric overflow"));
            return Interval.estimateOnly(finite(estimate));
        }
        return new Interval(estimate, finite(estimate - z * se), finite(estimate + z * se),
                finite(twoSidedNormal(estimate / se)));
    }

    /** estimate ± t·se with the matching t p-value; estimate only when se is 0 or not finite. */
    private static Interval tInterval(double estimate, double se, double t, TDistribution dist, Notes note,
                                      String what, String whyZero) {
        if (!(se > 0 && Double.isFinite(se) && Double.isFinite(estimate))) {
            note.add(what + " interval is undefined: " + (se == 0 ? whyZero : "numeric overflow"));
            return Interval.estimateOnly(finite(estimate));
        }
        return new Interval(estimate, finite(estimate - t * se), finite(estimate + t * se),
                finite(2 * dist.cumulativeProbability(-Math.abs(estimate / se))));
    }

    /** Boxes a number, mapping NaN and ±infinity to null: outputs never carry them. */
    static Double finite(Double x) {
        return x != null && Double.isFinite(x) ? x : null;
    }

    /** Collects explanations of undefined numbers for one comparison. */
    static final class Notes {
        private final StringJoiner joiner = new StringJoiner("; ");
        private boolean empty = true;

        void add(String text) {
            joiner.add(text);
            empty = false;
        }

        String text() {
            return empty ? null : joiner.toString();
        }
    }
}
