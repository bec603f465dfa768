package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Beta;
import org.junit.jupiter.api.Test;

/**
 * Chance to beat control, P(X_T &gt; X_C) for Beta posteriors, against values computed here
 * independently: hand-integrated small cases, the closed form summed term by term in log space
 * with {@link Beta#logBeta}, adaptive Gauss–Legendre integration, symmetry, and a normal
 * approximation where it is provably accurate (huge, symmetric posteriors).
 */
class ChanceToBeatTest {

    /** The requirement is 1e-4; both methods are held to a hundred times less. */
    private static final double TOLERANCE = 1e-6;

    /**
     * Evan Miller's closed form, P(X_B &gt; X_A) = Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) /
     * ((β_B+i)·B(1+i, β_B)·B(α_A, β_A)), each term from logBeta and the sum by log-sum-exp.
     */
    static double closedForm(long aA, long bA, long aB, long bB) {
        double[] logTerms = new double[(int) aB];
        double max = Double.NEGATIVE_INFINITY;
        double logNorm = Beta.logBeta(aA, bA);
        for (int i = 0; i < aB; i++) {
            logTerms[i] = Beta.logBeta(aA + i, (double) bA + bB) - Math.log(bB + i) - Beta.logBeta(1 + i, bB) - logNorm;
            max = Math.max(max, logTerms[i]);
        }
        double sum = 0;
        for (double t : logTerms) {
            sum += Math.exp(t - max);
        }
        return Math.exp(max + Math.log(sum));
    }

    /**
     * P(X_T &gt; X_C) by the closed form, summed over the smallest parameter using
     * P(T &gt; C) = 1 − P(C &gt; T) and X ↦ 1 − X (Beta(α, β) ↦ Beta(β, α)), to keep the test fast.
     */
    static double referenceProbability(long aC, long bC, long aT, long bT) {
        long k = Math.min(Math.min(aC, bC), Math.min(aT, bT));
        if (k == aT) {
            return closedForm(aC, bC, aT, bT);
        } else if (k == aC) {
            return 1 - closedForm(aT, bT, aC, bC);
        } else if (k == bC) {
            return closedForm(bT, aT, bC, aC);
        }
        return 1 - closedForm(bC, aC, bT, aT);
    }

    private static double chance(long controlUsers, long controlConversions, long users, long conversions) {
        return AbStatistics.chanceToBeatControl(new ConversionArm("c", controlUsers, controlConversions),
                new ConversionArm("t", users, conversions));
    }

    @Test
    void handIntegratedSmallCases() {
        // C ~ Beta(1,2) (0 of 1), T ~ Beta(2,1) (1 of 1): ∫ 2x·(1 − (1−x)²) dx = 4/3 − 1/2 = 5/6
        assertThat(chance(1, 0, 1, 1)).isCloseTo(5.0 / 6, within(1e-12));
        // C ~ Beta(1,1) (0 users would be invalid, so use the prior directly), T ~ Beta(2,1): ∫ 2x·x dx = 2/3
        assertThat(ChanceToBeat.probability(1, 1, 2, 1)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(ChanceToBeat.probability(2, 1, 1, 1)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void symmetricArmsGiveOneHalf() {
        assertThat(chance(10, 0, 10, 0)).isCloseTo(0.5, within(1e-12));
        assertThat(chance(100, 10, 100, 10)).isCloseTo(0.5, within(1e-12));
        assertThat(chance(20_000, 500, 20_000, 500)).isCloseTo(0.5, within(1e-10));          // exact sum
        assertThat(chance(1_000_000, 50_000, 1_000_000, 50_000)).isCloseTo(0.5, within(1e-9)); // quadrature
        assertThat(chance(1_000_000, 999_000, 1_000_000, 999_000)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void complementsSumToOne() {
        long[][] cases = {{1000, 120, 980, 150}, {50_000, 2_000, 50_000, 2_100}, {300, 299, 5000, 4990}};
        for (long[] c : cases) {
            assertThat(chance(c[0], c[1], c[2], c[3]) + chance(c[2], c[3], c[0], c[1])).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void matchesClosedFormOnFixedCases() {
        long[][] cases = {
            {1000, 120, 980, 150},          // the conversion test vector
            {10, 1, 12, 4},
            {200, 3, 5000, 60},             // very unequal arm sizes
            {5000, 60, 200, 3},
            {49_962, 13_880, 50_038, 13_971},
            {100_000, 4_000, 100_000, 4_150},
            {1_000_000, 998_000, 1_000_000, 997_900}, // h(0) ≈ e^−1456: needs the rescaled sum
            {3_000, 2_999, 3_000, 2_990},
        };
        for (long[] c : cases) {
            double expected = referenceProbability(1 + c[1], 1 + c[0] - c[1], 1 + c[3], 1 + c[2] - c[3]);
            assertThat(chance(c[0], c[1], c[2], c[3])).as("case %s", java.util.Arrays.toString(c))
                    .isCloseTo(expected, within(TOLERANCE));
        }
    }

    /**
     * Random experiments covering both methods (smallest parameter from 1 to ~20 000, a third of
     * them above the switch-over; rates 0.5 % to 99.5 %, arm sizes up to 30× apart, lifts near
     * the noise level where P is not 0 or 1).
     */
    @Test
    void matchesClosedFormOnRandomCases() {
        Random random = new Random(7);
        double worst = 0;
        int quadrature = 0;
        for (int rep = 0; rep < 150; rep++) {
            long k = rep % 3 == 0
                    ? ChanceToBeat.EXACT_TERMS_LIMIT + 1 + random.nextInt(17_000)
                    : Math.round(Math.exp(random.nextDouble() * Math.log(20_000)));
            double rate = Math.exp(Math.log(0.005) + random.nextDouble() * Math.log(0.5 / 0.005));
            long cc = k + random.nextInt((int) k + 1);
            long uc = Math.max(2 * cc, Math.round(cc / rate));
            double ratio = Math.exp((2 * random.nextDouble() - 1) * Math.log(30));
            long ut = Math.max(2 * k, Math.round(uc * ratio));
            double rt = rate * (1 + (2 * random.nextDouble() - 1) * 3 / Math.sqrt(k));
            long ct = Math.max(k, Math.min(ut - k, Math.round(ut * rt)));
            if (random.nextBoolean()) { // mirror: rates near 1
                cc = uc - cc;
                ct = ut - ct;
            }
            long aC = 1 + cc;
            long bC = 1 + uc - cc;
            long aT = 1 + ct;
            long bT = 1 + ut - ct;
            if (Math.min(Math.min(aC, bC), Math.min(aT, bT)) > ChanceToBeat.EXACT_TERMS_LIMIT) {
                quadrature++;
            }
            double expected = referenceProbability(aC, bC, aT, bT);
            double error = Math.abs(ChanceToBeat.probability(aC, bC, aT, bT) - expected);
            assertThat(error).as("users %d/%d conversions %d/%d", uc, ut, cc, ct).isLessThan(TOLERANCE);
            worst = Math.max(worst, error);
        }
        assertThat(quadrature).isBetween(50, 100); // both methods were exercised
        System.out.printf("chance to beat: worst error vs closed form %.2e (%d of 150 by quadrature)%n",
                worst, quadrature);
    }

    /** The quadrature alone is accurate well below its switch-over point, which leaves a margin. */
    @Test
    void quadratureIsAccurateBelowTheSwitchOver() {
        long[][] params = {{31, 970, 36, 965}, {101, 9900, 120, 9881}, {301, 700, 331, 670},
            {1001, 30_000, 1100, 29_901}, {2001, 2001, 2050, 1952}};
        for (long[] p : params) {
            assertThat(ChanceToBeat.hermite(p[0], p[1], p[2], p[3]))
                    .isCloseTo(referenceProbability(p[0], p[1], p[2], p[3]), within(TOLERANCE));
        }
    }

    /** Independent numerical method: adaptive Gauss–Legendre of f_T(x)·F_C(x) over the posterior mass. */
    @Test
    void matchesAdaptiveIntegration() {
        long[][] cases = {{5000, 300, 5200, 345}, {20_000, 19_000, 21_000, 19_900}, {400, 10, 40_000, 900}};
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(16, 1e-12, 1e-14);
        for (long[] c : cases) {
            BetaDistribution control = new BetaDistribution(null, 1 + c[1], 1 + c[0] - c[1]);
            BetaDistribution treatment = new BetaDistribution(null, 1 + c[3], 1 + c[2] - c[3]);
            double sd = Math.sqrt(treatment.getNumericalVariance());
            double lo = Math.max(0, treatment.getNumericalMean() - 15 * sd);
            double hi = Math.min(1, treatment.getNumericalMean() + 15 * sd);
            double expected = 0;
            int pieces = 30;
            for (int i = 0; i < pieces; i++) {
                double a = lo + (hi - lo) * i / pieces;
                double b = lo + (hi - lo) * (i + 1) / pieces;
                expected += integrator.integrate(1_000_000,
                        x -> treatment.density(x) * control.cumulativeProbability(x), a, b);
            }
            assertThat(chance(c[0], c[1], c[2], c[3])).isCloseTo(expected, within(TOLERANCE));
        }
    }

    /**
     * For huge arms with rates near 1/2 both posteriors are essentially normal and symmetric
     * (skewness ~ 0, excess kurtosis ~ 1/n), so Φ((μ_T − μ_C)/√(σ_T² + σ_C²)) is accurate to far
     * better than 1e-4; at rate 0.1 the two arms' skewness nearly cancels in the difference.
     */
    @Test
    void largeArmsMatchNormalApproximation() {
        long[][] cases = {{10_000_000, 5_000_000, 10_000_000, 5_002_000},
            {20_000_000, 2_000_000, 20_000_000, 2_003_000},
            {5_000_000, 2_500_000, 5_000_000, 2_497_500}};
        NormalDistribution normal = new NormalDistribution(null, 0, 1);
        for (long[] c : cases) {
            double aC = 1 + c[1], bC = 1 + c[0] - c[1], aT = 1 + c[3], bT = 1 + c[2] - c[3];
            double muC = aC / (aC + bC);
            double muT = aT / (aT + bT);
            double varC = aC * bC / ((aC + bC) * (aC + bC) * (aC + bC + 1));
            double varT = aT * bT / ((aT + bT) * (aT + bT) * (aT + bT + 1));
            double expected = normal.cumulativeProbability((muT - muC) / Math.sqrt(varC + varT));
            assertThat(expected).isBetween(0.05, 0.95); // informative, not saturated at 0 or 1
            assertThat(chance(c[0], c[1], c[2], c[3])).isCloseTo(expected, within(1e-4));
        }
    }
}
