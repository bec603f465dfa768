package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * CUPED and sequential results checked against per-user data worked through here with two-pass
 * formulas (pooled least squares, variances of the residuals y − θx), and gbstats' undefined cases.
 */
class CupedAndSequentialTest {

    /** Per-user (pre, post) values; post depends on pre, as with a persistent propensity to buy. */
    private record Users(double[] pre, double[] post) {

        static Users revenue(long seed, int n, double lift) {
            Random random = new Random(seed);
            double[] pre = new double[n];
            double[] post = new double[n];
            for (int i = 0; i < n; i++) {
                double propensity = Math.exp(random.nextGaussian());
                pre[i] = propensity * 20 + random.nextGaussian() * 5;
                post[i] = (propensity * 20 + random.nextGaussian() * 5) * (1 + lift);
            }
            return new Users(pre, post);
        }

        static Users conversions(long seed, int n, double extra) {
            Random random = new Random(seed);
            double[] pre = new double[n];
            double[] post = new double[n];
            for (int i = 0; i < n; i++) {
                double p = random.nextDouble() * 0.4;
                pre[i] = random.nextDouble() < p ? 1 : 0;
                post[i] = random.nextDouble() < p + extra ? 1 : 0;
            }
            return new Users(pre, post);
        }

        SufficientStats stats(String name) {
            double s = 0;
            double ss = 0;
            double x = 0;
            double xx = 0;
            double xy = 0;
            for (int i = 0; i < pre.length; i++) {
                s += post[i];
                ss += post[i] * post[i];
                x += pre[i];
                xx += pre[i] * pre[i];
                xy += pre[i] * post[i];
            }
            return new SufficientStats(name, pre.length, s, ss, x, xx, xy);
        }
    }

    private static double meanOf(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Σ(v − v̄)² / (n − 1), two-pass. */
    private static double sampleVariance(double[] v) {
        double m = meanOf(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }

    /** Least-squares slope of post on pre over both groups pooled: Σ(x − x̄)(y − ȳ)/Σ(x − x̄)². */
    private static double pooledSlope(Users a, Users b) {
        double[] x = concat(a.pre, b.pre);
        double[] y = concat(a.post, b.post);
        double mx = meanOf(x);
        double my = meanOf(y);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] residual(Users u, double theta) {
        double[] r = new double[u.pre.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = u.post[i] - theta * u.pre[i];
        }
        return r;
    }

    private static final EffectOptions ABSOLUTE = new EffectOptions(0.05, Difference.ABSOLUTE, Correction.HOLM, null);

    @Test
    void absoluteCupedIsTheDifferenceOfResidualMeans() {
        Users control = Users.revenue(1, 800, 0);
        Users treatment = Users.revenue(2, 900, 0.05);
        EffectComparison c = EffectStatistics.compare(MetricKind.MEAN, control.stats("A"), treatment.stats("B"),
                ABSOLUTE);
        double theta = pooledSlope(control, treatment);
        assertThat(c.theta()).isCloseTo(theta, within(1e-9 * Math.abs(theta)));
        double[] rc = residual(control, theta);
        double[] rt = residual(treatment, theta);
        double estimate = meanOf(rt) - meanOf(rc);
        double va = sampleVariance(rc) / rc.length;
        double vb = sampleVariance(rt) / rt.length;
        assertThat(c.lift().estimate()).isCloseTo(estimate, within(1e-9 * Math.abs(estimate)));
        assertThat(c.lift().standardError()).isCloseTo(Math.sqrt(va + vb), within(1e-9 * Math.sqrt(va + vb)));
        double df = (va + vb) * (va + vb) / (va * va / (rc.length - 1) + vb * vb / (rt.length - 1));
        assertThat(c.lift().degreesOfFreedom()).isCloseTo(df, within(1e-6 * df));
        // unadjusted: plain difference of post means
        double raw = meanOf(treatment.post) - meanOf(control.post);
        assertThat(c.unadjusted().estimate()).isCloseTo(raw, within(1e-9 * Math.abs(raw)));
        double unadjustedVariance = sampleVariance(treatment.post) / 900 + sampleVariance(control.post) / 800;
        assertThat(c.varianceReduction()).isCloseTo(1 - (va + vb) / unadjustedVariance, within(1e-9));
        // the pre period predicts the post period, so CUPED narrows the interval
        assertThat(c.varianceReduction()).isGreaterThan(0.5);
        assertThat(c.lift().ciHigh() - c.lift().ciLow())
                .isLessThan(c.unadjusted().ciHigh() - c.unadjusted().ciLow());
    }

    @Test
    void conversionCupedUsesProportionMoments() {
        Users control = Users.conversions(3, 1500, 0);
        Users treatment = Users.conversions(4, 1600, 0.03);
        EffectComparison c = EffectStatistics.compare(MetricKind.PROPORTION, control.stats("A"),
                treatment.stats("B"), ABSOLUTE);
        // for 0/1 values the proportion moments divide by n instead of n − 1: the slope is unchanged
        double theta = pooledSlope(control, treatment);
        assertThat(c.theta()).isCloseTo(theta, within(1e-9 * Math.abs(theta)));
        double[] rc = residual(control, theta);
        double[] rt = residual(treatment, theta);
        double estimate = meanOf(rt) - meanOf(rc);
        assertThat(c.lift().estimate()).isCloseTo(estimate, within(1e-9 * Math.abs(estimate)));
        // population variances (÷ n) of the residuals
        double vc = sampleVariance(rc) * (rc.length - 1) / rc.length / rc.length;
        double vt = sampleVariance(rt) * (rt.length - 1) / rt.length / rt.length;
        assertThat(c.lift().standardError()).isCloseTo(Math.sqrt(vc + vt), within(1e-9 * Math.sqrt(vc + vt)));
    }

    @Test
    void constantCovariateFallsBackToTheUnadjustedAnalysisWithANote() {
        SufficientStats a = new SufficientStats("A", 100, 500, 3000, 700.0, 4900.0, 3500.0);   // every x = 7
        SufficientStats b = new SufficientStats("B", 120, 660, 4000, 840.0, 5880.0, 4620.0);
        EffectComparison c = EffectStatistics.compare(MetricKind.MEAN, a, b, EffectOptions.defaults());
        EffectComparison plain = EffectStatistics.compare(MetricKind.MEAN, SufficientStats.of("A", 100, 500, 3000),
                SufficientStats.of("B", 120, 660, 4000), EffectOptions.defaults());
        assertThat(c.theta()).isNull();
        assertThat(c.unadjusted()).isNull();
        assertThat(c.varianceReduction()).isNull();
        assertThat(c.note()).contains("CUPED").contains("unadjusted");
        assertThat(c.lift()).isEqualTo(plain.lift());
        // relative lift by hand: (660/120 − 5)/5 = 0.1
        assertThat(c.lift().estimate()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void undefinedComparisonsCarryGbstatsErrorsInsteadOfThrowing() {
        EffectComparison zeroControl = EffectStatistics.compare(MetricKind.PROPORTION,
                SufficientStats.of("A", 100, 0, 0), SufficientStats.of("B", 100, 5, 5), EffectOptions.defaults());
        // a control without conversions has variance 0 before its mean is looked at (gbstats' order)
        assertThat(zeroControl.lift().errorMessage()).isEqualTo(LiftEstimate.ZERO_NEGATIVE_VARIANCE);
        assertThat(zeroControl.chanceToWin()).isNull();
        // absolute: variances are fine, then the zero control mean is rejected (as gbstats does)
        EffectComparison zeroMean = EffectStatistics.compare(MetricKind.MEAN,
                SufficientStats.of("A", 100, 0, 50), SufficientStats.of("B", 100, 5, 60), ABSOLUTE);
        assertThat(zeroMean.lift().errorMessage()).isEqualTo(LiftEstimate.ZERO_BASELINE);
        assertThat(zeroMean.lift().estimate()).isNull();
        assertThat(zeroMean.note()).contains("control mean is 0");
        // relative: gbstats' delta-method variance is 0 over a zero mean, so the code is zero variance
        EffectComparison zeroRelative = EffectStatistics.compare(MetricKind.MEAN,
                SufficientStats.of("A", 100, 0, 50), SufficientStats.of("B", 100, 5, 60), EffectOptions.defaults());
        assertThat(zeroRelative.lift().errorMessage()).isEqualTo(LiftEstimate.ZERO_NEGATIVE_VARIANCE);
        assertThat(zeroRelative.note()).contains("control mean is 0");
        EffectComparison single = EffectStatistics.compare(MetricKind.MEAN, SufficientStats.of("A", 100, 10, 50),
                SufficientStats.of("B", 1, 3, 9), EffectOptions.defaults());
        assertThat(single.lift().errorMessage()).isEqualTo(LiftEstimate.ZERO_NEGATIVE_VARIANCE);
        assertThat(single.note()).contains("fewer than 2 users");
    }

    @Test
    void sequentialIntervalAndPValueByHand() {
        EffectComparison c = EffectStatistics.compare(MetricKind.MEAN, GbstatsReferenceTest.SEQUENTIAL_CONTROL,
                GbstatsReferenceTest.SEQUENTIAL_TREATMENT,
                new EffectOptions(0.05, Difference.ABSOLUTE, Correction.HOLM, 5000.0));
        double va = (52377.9767 - 1396.87 * 1396.87 / 3000) / 2999;
        double vb = (134698.29 - 2422.7 * 2422.7 / 3461) / 3460;
        double se = Math.sqrt(va / 3000 + vb / 3461);
        double estimate = 2422.7 / 3461 - 1396.87 / 3000;
        int n = 6461;
        double rho2 = (-2 * Math.log(0.05) + Math.log(-2 * Math.log(0.05) + 1)) / 5000;
        double halfwidth = se * Math.sqrt(n * 2 * (n * rho2 + 1) * Math.log(Math.sqrt(n * rho2 + 1) / 0.05)
                / (n * n * rho2));
        assertThat(c.lift().estimate()).isCloseTo(estimate, within(1e-12));
        assertThat(c.lift().ciLow()).isCloseTo(estimate - halfwidth, within(1e-12));
        assertThat(c.lift().ciHigh()).isCloseTo(estimate + halfwidth, within(1e-12));
        double evalue = Math.exp(rho2 * (estimate * estimate * n / (se * se)) / (2 * (n * rho2 + 1)))
                / Math.sqrt(n * rho2 + 1);
        assertThat(c.lift().pValue()).isCloseTo(Math.min(1, 1 / evalue), within(1e-12));
        // the sequence is wider than the fixed-horizon interval and its p-value larger
        assertThat(c.lift().ciHigh() - c.lift().ciLow())
                .isGreaterThan(c.fixedHorizon().ciHigh() - c.fixedHorizon().ciLow());
        assertThat(c.lift().pValue()).isGreaterThan(c.fixedHorizon().pValue());
    }

    @Test
    void malformedInputNamesTheField() {
        SufficientStats full = new SufficientStats("A", 10, 5, 5, 4.0, 4.0, 2.0);
        SufficientStats bare = SufficientStats.of("B", 10, 6, 6);
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.MEAN, full, bare, EffectOptions.defaults()))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("variants[0].preSum");
        assertThatThrownBy(() -> EffectStatistics.pooledTheta(MetricKind.MEAN, full, bare))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("variants[0].preSum");
        SufficientStats partial = new SufficientStats("B", 10, 6, 6, 4.0, null, 2.0);
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.MEAN, full, partial, EffectOptions.defaults()))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField())
                .isEqualTo("variants[0].preSumSquares");
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.PROPORTION, SufficientStats.of("A", 10, 11, 11),
                bare, EffectOptions.defaults()))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("control.sum");
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.MEAN, SufficientStats.of("A", 0, 1, 1), bare,
                EffectOptions.defaults()))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("control.sum");
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.MEAN, SufficientStats.of("A", 10, 5, 5), bare,
                new EffectOptions(0.05, Difference.RELATIVE, Correction.BH, -1.0)))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("sequential.tuning");
        MetricInput one = new MetricInput("m1", MetricKind.MEAN, SufficientStats.of("A", 10, 5, 5), List.of(bare));
        MetricInput other = new MetricInput("m2", MetricKind.MEAN, SufficientStats.of("A", 11, 5, 5), List.of(bare));
        assertThatThrownBy(() -> EffectStatistics.evaluate(List.of(one, other), null, 0.001,
                EffectOptions.defaults()))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("metrics[1].control.n");
    }
}
