package io.execkpi.abtest.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * GrowthBook's frequentist effect statistics (its stats engine gbstats, {@code packages/stats/}
 * of growthbook/growthbook) as static pure functions over per-arm sufficient statistics:
 * CUPED (regression adjustment), the fixed-horizon Welch t-test, gbstats' asymptotic confidence
 * sequences for sequential testing, risk and chance to win, the sample-ratio check over every
 * arm, and GrowthBook's multiple-testing corrections over every (metric, treatment arm) pair.
 *
 * <p>Like gbstats, a comparison that cannot be computed (an arm with fewer than 2 users, zero
 * variance, a zero control mean) does not throw: its numbers are {@code null}, its
 * {@link LiftEstimate#errorMessage()} carries the gbstats code and its note says why in words.
 * Only malformed input (negative counts, non-finite sums, Σy² below (Σy)²/n, a covariate on
 * some arms only, options out of range) throws {@link InvalidExperimentInputException}, from
 * {@link AbInputValidation#validateEffects}.
 *
 * <p>Units: relative lifts, their intervals, risks and variance reductions are shares
 * (0.05 = +5 %), never percents; absolute lifts are in the metric's units; p-values and chances
 * are probabilities in [0, 1].
 */
public final class EffectStatistics {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
    /** Absolute accuracy of the t quantile; commons-math's default (1e-9) would cost digits we test. */
    private static final double T_QUANTILE_ACCURACY = 1e-13;

    private EffectStatistics() {
    }

    // ---------------------------------------------------------------- experiment

    /**
     * Evaluates every metric of an experiment: the sample-ratio check over all configured arms
     * (from the first metric's arm sizes), {@link #compare} for every (metric, treatment arm)
     * pair, then one correction over all those pairs as GrowthBook's
     * {@code setAdjustedPValuesOnResults} and {@code setAdjustedCIs}
     * ({@code packages/shared/src/experiments/experiments.ts}): the family is the reported lift's
     * p-value of every pair; a pair whose comparison is undefined enters the family with p = 1
     * (gbstats' default output carries p = 1) but gets no adjusted numbers itself. Adjusted
     * intervals follow {@link MultipleTesting#adjustedInterval}; with {@link Correction#NONE} the
     * adjusted p-value and interval are the raw ones. An arm is significant when its adjusted
     * p-value is below alpha.
     *
     * @param metrics      at least one metric, every one with the same arm names in the same order
     * @param weights      intended relative split, control first; {@code null} = equal
     * @param srmThreshold SRM level in (0, 1), e.g. {@link AbStatistics#DEFAULT_SRM_THRESHOLD}
     * @param options      alpha, difference, correction, sequential
     * @throws InvalidExperimentInputException when {@link AbInputValidation#validateEffects} rejects the input
     */
    public static ExperimentEffects evaluate(List<MetricInput> metrics, double[] weights, double srmThreshold,
                                             EffectOptions options) {
        AbInputValidation.validateEffects(metrics, weights, srmThreshold, options);
        MetricInput first = metrics.get(0);
        long[] users = new long[first.variants().size() + 1];
        users[0] = first.control().n();
        for (int i = 0; i < first.variants().size(); i++) {
            users[i + 1] = first.variants().get(i).n();
        }
        ArmsSrmResult srm = sampleRatioMismatchAllArms(users, weights, srmThreshold);

        List<List<EffectComparison>> raw = new ArrayList<>(metrics.size());
        List<Double> family = new ArrayList<>();
        for (MetricInput metric : metrics) {
            List<EffectComparison> row = new ArrayList<>(metric.variants().size());
            for (SufficientStats arm : metric.variants()) {
                EffectComparison c = compareValidated(metric.kind(), metric.control(), arm, options);
                row.add(c);
                family.add(c.lift().defined() ? c.lift().pValue() : 1.0);
            }
            raw.add(row);
        }
        double[] adjusted = MultipleTesting.adjust(options.correction(),
                family.stream().mapToDouble(Double::doubleValue).toArray());

        List<MetricEffects> out = new ArrayList<>(metrics.size());
        int k = 0;
        for (int m = 0; m < metrics.size(); m++) {
            MetricInput metric = metrics.get(m);
            List<EffectComparison> row = new ArrayList<>(metric.variants().size());
            for (EffectComparison c : raw.get(m)) {
                row.add(corrected(c, adjusted[k++], options));
            }
            boolean cuped = metric.control().hasCovariate();
            out.add(new MetricEffects(metric.metric(), metric.kind(), cuped, row));
        }
        return new ExperimentEffects(options, srm, out);
    }

    private static EffectComparison corrected(EffectComparison c, double adjustedP, EffectOptions options) {
        LiftEstimate lift = c.lift();
        if (!lift.defined()) {
            return c;
        }
        double[] ci = options.correction() == Correction.NONE
                ? new double[] {lift.ciLow(), lift.ciHigh()}
                : MultipleTesting.adjustedInterval(adjustedP, lift.estimate(), options.alpha(), lift.ciLow(),
                        lift.ciHigh());
        String note = Double.isInfinite(ci[0]) || Double.isInfinite(ci[1])
                ? "adjusted p-value is 1: the adjusted interval is unbounded" : null;
        return c.withCorrection(adjustedP, AbStatistics.finite(ci[0]), AbStatistics.finite(ci[1]),
                adjustedP < options.alpha(), note);
    }

    // ---------------------------------------------------------------- one comparison

    /**
     * Compares one treatment arm with control as gbstats' {@code TwoSidedTTest} /
     * {@code SequentialTwoSidedTTest} ({@code frequentist/tests.py}) on the effect moments of
     * {@code EffectMoments} ({@code frequentist/post_strat.py} in recent gbstats):
     * <ul>
     *   <li><b>CUPED</b> when both arms carry a covariate: θ = {@link #pooledTheta}; per arm the
     *       adjusted mean ȳ − θx̄ and variance s²_y + θ²s²_x − 2θ·cov(y, x); the absolute lift is
     *       the difference of adjusted means, the relative lift that difference over the
     *       <em>unadjusted</em> control mean with gbstats' delta-method variance
     *       <pre>Var = (s²_y,t + θ²s²_x,t − 2θc_t)/(n_t ȳ_c²)
     *     + (s²_y,c ȳ_t²/ȳ_c² − 2θc_c ȳ_t/ȳ_c + θ²s²_x,c)/(n_c ȳ_c²)</pre>
     *       (ȳ unadjusted means). θ = 0 (no pooled covariate or outcome variance) falls back to
     *       the unadjusted analysis with a note. The unadjusted result and the variance reduction
     *       1 − Var(adjusted)/Var(unadjusted) of the lift are reported beside it.</li>
     *   <li>Without CUPED: absolute Var = s²_t/n_t + s²_c/n_c; relative
     *       Var = s²_t/(n_t m_c²) + s²_c m_t²/(n_c m_c⁴).</li>
     *   <li><b>Fixed horizon</b>: Welch–Satterthwaite df from the (adjusted) arm variances,
     *       estimate ± t_{df,1−α/2}·se, p = 2·T_df(−|estimate/se|).</li>
     *   <li><b>Sequential</b> (options.sequentialTuning set): see {@link #sequentialHalfwidth} and
     *       {@link #sequentialPValue}; the fixed-horizon result is kept in
     *       {@link EffectComparison#fixedHorizon()}.</li>
     *   <li><b>Risk and chance to win</b> from the fixed-horizon moments, see {@link #risk}.</li>
     * </ul>
     * Undefined cases as gbstats: an arm with n ≤ 1 or a (adjusted) variance ≤ 0, or a
     * non-positive lift variance, gives {@code ZERO_NEGATIVE_VARIANCE}; a control mean (adjusted
     * or unadjusted) of 0 gives {@code ZERO_NEGATIVE_BASELINE_VARIATION} — for absolute lifts too,
     * as gbstats does. The comparison is not corrected for multiplicity here (adjusted fields are
     * {@code null}, {@code significant} false); {@link #evaluate} does that.
     *
     * @throws InvalidExperimentInputException when the two arms or the options are malformed
     */
    public static EffectComparison compare(MetricKind kind, SufficientStats control, SufficientStats treatment,
                                           EffectOptions options) {
        AbInputValidation.validateEffects(List.of(new MetricInput("metric", kind, control, List.of(treatment))),
                null, AbStatistics.DEFAULT_SRM_THRESHOLD, options);
        return compareValidated(kind, control, treatment, options);
    }

    private static EffectComparison compareValidated(MetricKind kind, SufficientStats control,
                                                     SufficientStats treatment, EffectOptions options) {
        StringJoiner note = new StringJoiner("; ");
        boolean relative = options.difference() == Difference.RELATIVE;
        Moments unadjusted = moments(kind, control, treatment, 0, false, relative);
        Moments main = unadjusted;
        Double theta = null;
        boolean cupedApplied = false;
        if (control.hasCovariate() && treatment.hasCovariate()) {
            double t = pooledTheta(kind, control, treatment);
            if (t == 0 || !Double.isFinite(t)) {
                note.add("CUPED coefficient is 0 (no pooled pre-period variance or covariance): "
                        + "the unadjusted analysis is reported");
            } else {
                theta = t;
                cupedApplied = true;
                main = moments(kind, control, treatment, t, true, relative);
            }
        }
        if (control.n() == 0) {
            note.add("control arm has 0 users");
        }
        if (treatment.n() == 0) {
            note.add("arm has 0 users");
        }
        if (main.error != null) {
            // gbstats reports a zero control mean as zero variance for relative lifts: say what it is
            boolean zeroBaseline = main.error.equals(LiftEstimate.ZERO_BASELINE)
                    || control.n() > 1 && control.sum() == 0;
            note.add(zeroBaseline
                    ? "control mean is 0: the lift is undefined (gbstats " + main.error + ")"
                    : "an arm has fewer than 2 users or no variance: the lift is undefined (gbstats "
                            + main.error + ")");
        }

        long total = control.n() + treatment.n();
        LiftEstimate fixed = fixedHorizon(main, options.alpha());
        LiftEstimate lift = options.sequential()
                ? sequential(main, total, options.alpha(), options.sequentialTuning()) : fixed;
        LiftEstimate unadjustedLift = null;
        Double reduction = null;
        if (cupedApplied) {
            unadjustedLift = options.sequential()
                    ? sequential(unadjusted, total, options.alpha(), options.sequentialTuning())
                    : fixedHorizon(unadjusted, options.alpha());
            if (main.error == null && unadjusted.error == null) {
                reduction = AbStatistics.finite(1 - main.se * main.se / (unadjusted.se * unadjusted.se));
            }
        }
        Double chance = null;
        Double riskTreatment = null;
        Double riskControl = null;
        if (main.error == null) {
            chance = chanceToWin(main.estimate, main.se);
            double[] risk = risk(main.estimate, main.se);
            riskControl = risk[0];
            riskTreatment = risk[1];
        }
        return new EffectComparison(treatment.name(), treatment.n(), lift, unadjustedLift,
                options.sequential() ? fixed : null, theta, reduction, chance, riskTreatment, riskControl,
                null, null, null, false, note.length() == 0 ? null : note.toString());
    }

    // ---------------------------------------------------------------- CUPED

    /**
     * gbstats' {@code compute_theta} ({@code models/statistics.py}): the regression coefficient of
     * the outcome y on the pre-period covariate x over the two arms pooled (sums added, n = n_c +
     * n_t), θ = cov(y, x)/Var(x), with the variance and covariance formulas of {@code kind}. It is
     * 0 when the pooled variance of x or of y is 0, which makes the analysis fall back to the
     * unadjusted one (gbstats' {@code create_theta_adjusted_statistics}).
     *
     * @param control   control arm, with covariate
     * @param treatment treatment arm, with covariate
     * @throws InvalidExperimentInputException when an arm has no covariate
     */
    public static double pooledTheta(MetricKind kind, SufficientStats control, SufficientStats treatment) {
        if (!control.hasCovariate() || !treatment.hasCovariate()) {
            throw new InvalidExperimentInputException(control.hasCovariate() ? "variants[0].preSum" : "control.preSum",
                    "CUPED needs preSum, preSumSquares and sumProducts on both arms");
        }
        long n = control.n() + treatment.n();
        double preSum = control.preSum() + treatment.preSum();
        double postSum = control.sum() + treatment.sum();
        double preVariance = variance(kind, n, preSum, control.preSumSquares() + treatment.preSumSquares());
        double postVariance = variance(kind, n, postSum, control.sumSquares() + treatment.sumSquares());
        if (preVariance == 0 || postVariance == 0) {
            return 0;
        }
        return covariance(kind, n, postSum, preSum, control.sumProducts() + treatment.sumProducts()) / preVariance;
    }

    // ---------------------------------------------------------------- sequential

    /**
     * gbstats' {@code sequential_rho}: ρ = √((−2 ln α + ln(−2 ln α + 1)) / τ) for a two-sided
     * sequence with tuning parameter τ (the sample size at which it is tightest).
     */
    public static double sequentialRho(double alpha, double tuning) {
        double l = -2 * Math.log(alpha);
        return Math.sqrt((l + Math.log(l + 1)) / tuning);
    }

    /**
     * gbstats' {@code sequential_interval_halfwidth} (asymptotic confidence sequences, Waudby-Smith
     * et al., arXiv 2103.06476): with N = n_c + n_t and s² = se²·N,
     * <pre>halfwidth = √s² · √( 2(Nρ² + 1) · ln(√(Nρ² + 1)/α) / (Nρ)² )</pre>
     *
     * @param standardError standard error of the lift (its units are the halfwidth's), &gt; 0
     * @param total         N, users in both arms, &gt; 0
     * @param alpha         two-sided level in (0, 1)
     * @param tuning        τ &gt; 0
     */
    public static double sequentialHalfwidth(double standardError, long total, double alpha, double tuning) {
        double rho = sequentialRho(alpha, tuning);
        double s2 = standardError * standardError * total;
        double nRho2 = total * rho * rho;
        return Math.sqrt(s2) * Math.sqrt(2 * (nRho2 + 1) * Math.log(Math.sqrt(nRho2 + 1) / alpha)
                / ((total * rho) * (total * rho)));
    }

    /**
     * gbstats' always-valid p-value of {@code SequentialTwoSidedTTest} (eq. 155 of arXiv
     * 2103.06476): with S = estimate²·N/se² and r = Nρ² + 1, e-value = exp(ρ²S/(2r))/√r and
     * p = min(1, 1/e-value), computed in logs so that it never overflows. Arguments as
     * {@link #sequentialHalfwidth} (standard error &gt; 0); the estimate is in the same units.
     */
    public static double sequentialPValue(double estimate, double standardError, long total, double alpha,
                                          double tuning) {
        double rho = sequentialRho(alpha, tuning);
        double s = estimate * estimate * total / (standardError * standardError);
        double r = total * rho * rho + 1;
        double logE = rho * rho * s / (2 * r) - 0.5 * Math.log(r);
        return Math.min(1.0, Math.exp(-logE));
    }

    // ---------------------------------------------------------------- risk

    /**
     * gbstats' risk ({@code EffectBayesianABTest.get_risk}, {@code bayesian/tests.py}) for the
     * effect posterior N(μ, σ²), which with gbstats' default flat prior is N(estimate, se²):
     * risk of keeping control P(δ &gt; 0)·E[δ | δ &gt; 0] = E[max(0, δ)] and risk of shipping
     * the treatment −P(δ &lt; 0)·E[δ | δ &lt; 0] = E[max(0, −δ)], evaluated in the equivalent
     * closed forms σφ(μ/σ) + μΦ(μ/σ) and σφ(μ/σ) − μΦ(−μ/σ) (no 0·∞ for far tails).
     *
     * @param mean   μ, in the lift's units (a share for relative lifts)
     * @param stddev σ &gt; 0
     * @return {riskControl, riskTreatment}, both ≥ 0, in the units of {@code mean}
     */
    public static double[] risk(double mean, double stddev) {
        double z = mean / stddev;
        double density = stddev * STANDARD_NORMAL.density(z);
        double control = density + mean * STANDARD_NORMAL.cumulativeProbability(z);
        double treatment = density - mean * STANDARD_NORMAL.cumulativeProbability(-z);
        return new double[] {Math.max(0, control), Math.max(0, treatment)};
    }

    /** gbstats' {@code chance_to_win}: P(δ &gt; 0) = Φ(μ/σ) for δ ~ N(μ, σ²), σ &gt; 0. */
    public static double chanceToWin(double mean, double stddev) {
        return STANDARD_NORMAL.cumulativeProbability(mean / stddev);
    }

    // ---------------------------------------------------------------- sample ratio mismatch

    /**
     * gbstats' {@code check_srm} ({@code utils.py}) over every configured arm, an arm with 0 users
     * included: expected_i = N·w_i/Σw, χ² = Σ (o_i − e_i)²/e_i, p = Q((arms − 1)/2, χ²/2) (the χ²
     * survival function, kept precise for tiny p). With no users at all p = 1. Empty arms are
     * listed and noted whatever p is, because an arm that receives no traffic is broken even
     * when the total is too small for the test.
     *
     * @param users     users per arm, control first, each ≥ 0, at least two arms
     * @param weights   intended relative split, one positive weight per arm; {@code null} = equal
     * @param threshold flag a mismatch when p &lt; threshold, in (0, 1)
     * @throws InvalidExperimentInputException for fewer than two arms, negative counts, bad
     *                                         weights or threshold
     */
    public static ArmsSrmResult sampleRatioMismatchAllArms(long[] users, double[] weights, double threshold) {
        AbInputValidation.validateSrmAllArms(users, weights, threshold);
        double total = 0;
        List<Integer> empty = new ArrayList<>();
        for (int i = 0; i < users.length; i++) {
            total += users[i];
            if (users[i] == 0) {
                empty.add(i);
            }
        }
        String note = empty.isEmpty() ? null : "arms with 0 users (index, control = 0): " + empty;
        if (total == 0) {
            return new ArmsSrmResult(0, 1, false, threshold, empty, "no users in any arm: the check is undefined");
        }
        double weightSum = 0;
        for (int i = 0; i < users.length; i++) {
            weightSum += weights == null ? 1 : weights[i];
        }
        double chiSquare = 0;
        for (int i = 0; i < users.length; i++) {
            double expected = (weights == null ? 1 : weights[i]) / weightSum * total;
            double deviation = users[i] - expected;
            chiSquare += deviation * deviation / expected;
        }
        double p = Gamma.regularizedGammaQ((users.length - 1) / 2.0, chiSquare / 2);
        return new ArmsSrmResult(chiSquare, p, p < threshold, threshold, empty, note);
    }

    // ---------------------------------------------------------------- gbstats statistics

    /** Mean Σ/n, 0 for an empty arm (gbstats {@code Statistic.mean}). */
    static double mean(long n, double sum) {
        return n == 0 ? 0 : sum / n;
    }

    /** gbstats {@code SampleMeanStatistic.variance} (0 for n ≤ 1) or {@code ProportionStatistic.variance}. */
    static double variance(MetricKind kind, long n, double sum, double sumSquares) {
        if (kind == MetricKind.PROPORTION) {
            double p = mean(n, sum);
            return p * (1 - p);
        }
        if (n <= 1) {
            return 0;
        }
        return (sumSquares - sum * sum / n) / (n - 1);
    }

    /**
     * gbstats {@code RatioStatistic.variance}: with m̄ = Σm/n, d̄ = Σd/n and sample (co)variances,
     * s²_m/d̄² − 2·cov(m, d)·m̄/d̄³ + s²_d·m̄²/d̄⁴; 0 for n ≤ 1 or d̄ = 0 (undefined, reported as such).
     */
    public static double ratioVariance(SufficientStats s) {
        long n = s.n();
        if (n <= 1 || s.denominatorSum() == 0) {
            return 0;
        }
        double m = s.sum() / n;
        double d = s.denominatorSum() / n;
        double vm = variance(MetricKind.MEAN, n, s.sum(), s.sumSquares());
        double vd = variance(MetricKind.MEAN, n, s.denominatorSum(), s.denominatorSumSquares());
        double cov = covariance(MetricKind.MEAN, n, s.sum(), s.denominatorSum(), s.numeratorDenominatorProducts());
        return vm / (d * d) - 2 * cov * m / (d * d * d) + vd * m * m / (d * d * d * d);
    }

    /** gbstats {@code compute_covariance}: 0 for n ≤ 1. */
    static double covariance(MetricKind kind, long n, double sumX, double sumY, double sumProducts) {
        if (n <= 1) {
            return 0;
        }
        if (kind == MetricKind.PROPORTION) {
            return sumProducts / n - sumX * sumY / ((double) n * n);
        }
        return (sumProducts - sumX * sumY / n) / (n - 1);
    }

    /** One arm as a gbstats (regression-adjusted) statistic. */
    private record Arm(long n, double mean, double unadjustedMean, double variance, double postVariance,
                       double preVariance, double covariance) {

        static Arm of(MetricKind kind, SufficientStats s, double theta, boolean cuped) {
            if (kind == MetricKind.RATIO) {
                double ratioMean = s.denominatorSum() == 0 ? 0 : s.sum() / s.denominatorSum();
                double ratioVariance = ratioVariance(s);
                return new Arm(s.n(), ratioMean, ratioMean, ratioVariance, ratioVariance, 0, 0);
            }
            double postMean = EffectStatistics.mean(s.n(), s.sum());
            double postVariance = EffectStatistics.variance(kind, s.n(), s.sum(), s.sumSquares());
            if (!cuped) {
                return new Arm(s.n(), postMean, postMean, postVariance, postVariance, 0, 0);
            }
            double preVariance = EffectStatistics.variance(kind, s.n(), s.preSum(), s.preSumSquares());
            double cov = EffectStatistics.covariance(kind, s.n(), s.sum(), s.preSum(), s.sumProducts());
            double adjustedVariance = s.n() <= 1 ? 0
                    : postVariance + theta * theta * preVariance - 2 * theta * cov;
            double adjustedMean = postMean - theta * EffectStatistics.mean(s.n(), s.preSum());
            return new Arm(s.n(), adjustedMean, postMean, adjustedVariance, postVariance, preVariance, cov);
        }
    }

    /** gbstats' {@code EffectMoments} result plus the Welch df; {@code error} non-null when undefined. */
    private record Moments(double estimate, double se, double dof, String error) {
    }

    private static Moments moments(MetricKind kind, SufficientStats control, SufficientStats treatment,
                                   double theta, boolean cuped, boolean relative) {
        Arm a = Arm.of(kind, control, theta, cuped);
        Arm b = Arm.of(kind, treatment, theta, cuped);
        double variance;
        if (relative && cuped) {
            variance = relativeCupedVariance(a, b, theta);
        } else if (relative) {
            double base = a.unadjustedMean;
            variance = base == 0 ? 0
                    : b.variance / b.n / (base * base) + a.variance / a.n * b.mean * b.mean / Math.pow(base, 4);
        } else {
            variance = b.variance / b.n + a.variance / a.n;
        }
        if (a.n <= 1 || b.n <= 1 || !(a.variance > 0) || !(b.variance > 0) || !(variance > 0)
                || !Double.isFinite(variance)) {
            return new Moments(0, 0, 0, LiftEstimate.ZERO_NEGATIVE_VARIANCE);
        }
        if (a.mean == 0 || a.unadjustedMean == 0) {
            return new Moments(0, 0, 0, LiftEstimate.ZERO_BASELINE);
        }
        double difference = b.mean - a.mean;
        double estimate = relative ? difference / a.unadjustedMean : difference;
        double va = a.variance / a.n;
        double vb = b.variance / b.n;
        double dof = (va + vb) * (va + vb)
                / (b.variance * b.variance / ((double) b.n * b.n * (b.n - 1))
                + a.variance * a.variance / ((double) a.n * a.n * (a.n - 1)));
        return new Moments(estimate, Math.sqrt(variance), dof, null);
    }

    /** gbstats {@code frequentist_variance_relative_cuped}. */
    private static double relativeCupedVariance(Arm a, Arm b, double theta) {
        double base2 = a.unadjustedMean * a.unadjustedMean;
        if (b.n * base2 == 0 || a.n * base2 == 0) {
            return 0;
        }
        double treatmentPart = (b.postVariance + theta * theta * b.preVariance - 2 * theta * b.covariance)
                / (b.n * base2);
        double ratio = b.unadjustedMean / a.unadjustedMean;
        double controlPart = (a.postVariance * ratio * ratio - 2 * theta * a.covariance * ratio
                + theta * theta * a.preVariance) / (a.n * base2);
        return treatmentPart + controlPart;
    }

    private static LiftEstimate fixedHorizon(Moments m, double alpha) {
        if (m.error != null) {
            return LiftEstimate.failed(m.error);
        }
        TDistribution t = new TDistribution(null, m.dof, T_QUANTILE_ACCURACY);
        double width = tQuantile(t, 1 - alpha / 2) * m.se;
        double p = 2 * t.cumulativeProbability(-Math.abs(m.estimate / m.se));
        return new LiftEstimate(m.estimate, m.estimate - width, m.estimate + width, p, m.se, m.dof, null);
    }

    /**
     * The p-quantile of Student's t, p in [0.5, 1): Newton's method on commons-math's t CDF from the
     * Cornish–Fisher expansion in 1/ν (Abramowitz &amp; Stegun 26.7.5, four terms: x = z + g₁/ν + g₂/ν²
     * + g₃/ν³ + g₄/ν⁴ with z the normal quantile). Newton converges quadratically, so once a step is
     * below 1e-7 relative the error left is about half its square times |x|, below 1e-13: for the df
     * of A/B tests that is one CDF evaluation instead of the dozens of a bracketing solver, which the
     * 10,000-experiment benchmark needs. For ν &lt; 3, or when Newton does not settle in 10 steps,
     * commons-math's bracketing solver answers instead (at {@link #T_QUANTILE_ACCURACY}).
     */
    static double tQuantile(TDistribution t, double p) {
        double df = t.getDegreesOfFreedom();
        if (df >= 3) {
            double z = STANDARD_NORMAL.inverseCumulativeProbability(p);
            double z2 = z * z;
            double g1 = (z2 + 1) * z / 4;
            double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
            double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
            double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
            double x = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
            for (int i = 0; i < 10; i++) {
                double step = (t.cumulativeProbability(x) - p) / t.density(x);
                x -= step;
                if (Math.abs(step) <= 1e-7 * Math.abs(x)) {
                    return x;
                }
            }
        }
        return t.inverseCumulativeProbability(p);
    }

    private static LiftEstimate sequential(Moments m, long total, double alpha, double tuning) {
        if (m.error != null) {
            return LiftEstimate.failed(m.error);
        }
        double halfwidth = sequentialHalfwidth(m.se, total, alpha, tuning);
        return new LiftEstimate(m.estimate, m.estimate - halfwidth, m.estimate + halfwidth,
                sequentialPValue(m.estimate, m.se, total, alpha, tuning), m.se, null, null);
    }
}
