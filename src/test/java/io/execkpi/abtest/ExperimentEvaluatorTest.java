package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import io.execkpi.abtest.ExperimentEvaluator.ArmMetrics;

import org.junit.jupiter.api.Test;

/** The stored rows carry the published reference values (see the stats tests) for both metrics. */
class ExperimentEvaluatorTest {

    static final ExperimentSettings DEFAULTS = new ExperimentSettings(null, null);

    @Test
    void conversionAndRevenueRowsCarryTheReferenceValues() {
        // conversion 120/1000 vs 150/980 as gbstats' proportion metric, worked by hand (scipy.stats.t for the t
        // quantile and tail): variances p(1 - p) = 0.1056 and 0.129633…; relative lift 0.15306122/0.12 - 1 =
        // 0.27551020, delta-method se √(v_t/(n_t p_c²) + v_c p_t²/(n_c p_c⁴)) = 0.14531634, Welch df 1948.8639,
        // CI [-0.0094815870, 0.5605019951], p 0.058116561. Revenue per user has zero sums, an undefined comparison
        // that enters the family with p = 1 (gbstats), so Holm over the 2 (metric, arm) pairs doubles the
        // conversion p-value: 0.11623312; GrowthBook's adjusted interval: sd = 0.27551020/Φ⁻¹(1 - 0.11623312/2),
        // 0.27551020 ± 1.959964·sd = [-0.068261129, 0.619281537]. Absolute: 0.03306122, Welch se, t quantile
        // at df 1948.86: [0.0028132701, 0.0633091789], p 0.032189547
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("e", "treatment", false, 1, 980, 150, 0, 0),
                new ArmMetrics("e", "control", true, 1, 1000, 120, 0, 0)), DEFAULTS);
        AbResult treatment = find(rows, "treatment", "conversion");
        assertThat(treatment.relLift()).isCloseTo(0.27551020408, within(1e-10));
        assertThat(treatment.relLiftLow()).isCloseTo(-0.0094815870, within(1e-9));
        assertThat(treatment.relLiftHigh()).isCloseTo(0.5605019951, within(1e-9));
        assertThat(treatment.statistic()).isCloseTo(1.8959340805, within(1e-9));
        assertThat(treatment.degreesOfFreedom()).isCloseTo(1948.8639169, within(1e-6));
        assertThat(treatment.pValue()).isCloseTo(0.058116561045, within(1e-10));
        assertThat(treatment.adjustedPValue()).isCloseTo(0.116233122090, within(1e-10));
        assertThat(treatment.adjustedRelLiftLow()).isCloseTo(-0.068261129115, within(1e-9));
        assertThat(treatment.adjustedRelLiftHigh()).isCloseTo(0.619281537278, within(1e-9));
        assertThat(treatment.significant()).isFalse();
        assertThat(treatment.absLift()).isCloseTo(0.0330612245, within(1e-9));
        assertThat(treatment.absLiftLow()).isCloseTo(0.0028132701, within(1e-9));
        assertThat(treatment.absLiftHigh()).isCloseTo(0.0633091789, within(1e-9));
        assertThat(treatment.absLiftPValue()).isCloseTo(0.0321895473, within(1e-9));
        assertThat(treatment.minimumDetectableEffect()).isNotNull();
        assertThat(treatment.srmPValue()).isCloseTo(0.653095, within(1e-6));
        assertThat(treatment.srmMismatch()).isFalse();
        assertThat(treatment.primaryMetric()).isTrue();
        AbResult control = find(rows, "control", "conversion");
        assertThat(control.isControl()).isTrue();
        assertThat(control.meanValue()).isCloseTo(0.12, within(1e-12));
        assertThat(control.absLift()).isNull();
        // revenue with zero sums: zero variance is a defined, explained result
        AbResult revenue = find(rows, "treatment", "revenue_per_user");
        assertThat(revenue.significant()).isFalse();
        assertThat(revenue.note()).isNotBlank();
    }

    @Test
    void revenuePerUserUsesWelch() {
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("w", "control", true, 1, 3407, 10, 1396.87, 52377.9767),
                new ArmMetrics("w", "treatment", false, 1, 3461, 10, 2422.7, 134698.29)), DEFAULTS);
        AbResult t = find(rows, "treatment", "revenue_per_user");
        assertThat(t.absLift()).isCloseTo(0.29, within(1e-3));
        assertThat(t.absLiftLow()).isCloseTo(0.04538, within(1e-4));
        assertThat(t.absLiftHigh()).isCloseTo(0.53462, within(1e-4));
        assertThat(t.absLiftPValue()).isCloseTo(0.02016, within(1e-4));
        // the reported p-value is the relative lift's (GrowthBook's default difference)
        assertThat(t.pValue()).isCloseTo(0.06191, within(1e-4));
        assertThat(t.relLift()).isCloseTo(0.70732, within(1e-4));
        assertThat(t.relLiftLow()).isCloseTo(-0.03526, within(1e-4));
        assertThat(t.relLiftHigh()).isCloseTo(1.44989, within(1e-4));
        assertThat(t.relLiftPValue()).isCloseTo(0.06191, within(1e-4));
        assertThat(t.primaryMetric()).isFalse();
    }

    @Test
    void settingsOverrideControlWeightsAndPrimaryMetric() {
        // 10000 vs 10300 users is SRM p = 0.0352 at 50/50; with intended weights 100:103 there is no mismatch at all
        ExperimentSettings settings = new ExperimentSettings(null, Map.of("x", new ExperimentSettings.Settings(
                0.01, 0.05, "revenue_per_user", "b", Map.of("a", 103.0, "b", 100.0))));
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("x", "a", true, 1, 10300, 500, 1000, 5000),
                new ArmMetrics("x", "b", false, 1, 10000, 500, 1000, 5000)), settings);
        AbResult b = find(rows, "b", "conversion");
        assertThat(b.isControl()).isTrue();
        assertThat(b.alpha()).isEqualTo(0.01);
        assertThat(b.srmChiSquare()).isCloseTo(0.0, within(1e-12));
        assertThat(b.srmMismatch()).isFalse();
        assertThat(find(rows, "a", "revenue_per_user").primaryMetric()).isTrue();

        List<AbResult> equal = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("y", "a", true, 1, 10000, 500, 1000, 5000),
                new ArmMetrics("y", "b", false, 1, 10300, 500, 1000, 5000)), DEFAULTS);
        assertThat(find(equal, "b", "conversion").srmPValue()).isCloseTo(0.0352, within(1e-4));
    }

    @Test
    void anEmptyArmIsFlaggedBySrmOverAllArmsAndTheOtherArmsAreStillCompared() {
        // 0 users in variant_c of three equal arms (users 1000, 980, 0): N = 1980, expected 660 per arm,
        // chi-square = (340² + 320² + 660²)/660 = (115600 + 102400 + 435600)/660 = 653600/660 = 990.30303…,
        // p = exp(-chi2/2) for 2 df = exp(-495.15) ≈ 1.3e-215
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("z", "control", true, 1, 1000, 120, 0, 0),
                new ArmMetrics("z", "treatment", false, 1, 980, 150, 0, 0),
                new ArmMetrics("z", "variant_c", false, 1, 0, 0, 0, 0)), DEFAULTS);
        assertThat(rows).hasSize(6).allSatisfy(r -> {
            assertThat(r.srmMismatch()).isTrue();
            assertThat(r.srmChiSquare()).isCloseTo(653600.0 / 660, within(1e-9));
            assertThat(r.srmPValue()).isCloseTo(Math.exp(-653600.0 / 660 / 2), within(1e-220));
        });
        // the compared arm keeps the two-arm reference numbers of conversionAndRevenueRowsCarryTheReferenceValues
        AbResult treatment = find(rows, "treatment", "conversion");
        assertThat(treatment.pValue()).isCloseTo(0.058116561045, within(1e-10));
        assertThat(treatment.adjustedPValue()).isCloseTo(0.116233122090, within(1e-10));
        assertThat(treatment.absLift()).isCloseTo(0.0330612245, within(1e-9));
        for (String metric : List.of("conversion", "revenue_per_user")) {
            AbResult c = find(rows, "variant_c", metric);
            assertThat(c.users()).isZero();
            assertThat(c.pValue()).isNull();
            assertThat(c.significant()).isFalse();
            assertThat(c.note()).contains("0 users");
        }
        // two arms where the treatment got nothing: nothing to compare, but SRM is flagged all the same
        // (1000 vs 0 at 50/50: chi-square = 2·500²/500 = 1000)
        List<AbResult> broken = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("z", "control", true, 1, 1000, 1, 5, 25),
                new ArmMetrics("z", "treatment", false, 1, 0, 0, 0, 0)), DEFAULTS);
        assertThat(broken).hasSize(2).allSatisfy(r -> {
            assertThat(r.note()).startsWith("not evaluated");
            assertThat(r.pValue()).isNull();
            assertThat(r.significant()).isFalse();
            assertThat(r.srmMismatch()).isTrue();
            assertThat(r.srmChiSquare()).isCloseTo(1000.0, within(1e-9));
        });
        // a handful of users where one arm is empty: too few for the test, flagged anyway
        // (3 vs 0: chi-square 3, p = 0.0833 > 0.001)
        List<AbResult> tiny = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("t", "control", true, 1, 3, 1, 5, 25),
                new ArmMetrics("t", "treatment", false, 1, 0, 0, 0, 0)), DEFAULTS);
        assertThat(tiny).allSatisfy(r -> {
            assertThat(r.srmPValue()).isCloseTo(0.0832645, within(1e-6));
            assertThat(r.srmMismatch()).isTrue();
        });
        List<AbResult> noControl = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("z", "a", false, 1, 10, 1, 5, 25),
                new ArmMetrics("z", "b", false, 1, 10, 1, 5, 25)), DEFAULTS);
        assertThat(noControl).allSatisfy(r -> assertThat(r.note()).isEqualTo("no control arm"));
    }

    static ExperimentSettings settings(String experiment, ExperimentSettings.Cuped cuped, String correction,
                                       ExperimentSettings.Sequential sequential, List<String> guardrails) {
        return new ExperimentSettings(null, Map.of(experiment, new ExperimentSettings.Settings(null, null, null, null,
                null, cuped, correction, sequential, guardrails)));
    }

    @Test
    void revenuePerUserWithCupedCarriesTheGbstatsReferenceValues() {
        // CUPED reference (gbstats at growthbook/growthbook@8f1db44): relative lift 0.015276629,
        // CI [0.010214372, 0.020338886], p 3.5119896e-09, θ 0.95270382; unadjusted lift 0.0022664949,
        // CI [-0.014207400, 0.018740389], p 0.78738818
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("c", "control", true, 1, 2500, 10, 250497.94, 27356496.0848, 250604.62,
                        27389429.4528, 27266078.6263, null, null, null),
                new ArmMetrics("c", "treatment", false, 1, 2600, 10, 261108.32, 28560742.8998, 257071.17,
                        27728012.7803, 28025944.9375, null, null, null)),
                settings("c", new ExperimentSettings.Cuped(true, 14), null, null, null));
        AbResult t = find(rows, "treatment", "revenue_per_user");
        assertThat(t.theta()).isCloseTo(0.95270382, within(1e-8));
        assertThat(t.relLift()).isCloseTo(0.015276629, within(1e-9));
        assertThat(t.relLiftLow()).isCloseTo(0.010214372, within(1e-9));
        assertThat(t.relLiftHigh()).isCloseTo(0.020338886, within(1e-9));
        assertThat(t.relLiftPValue()).isCloseTo(3.5119896e-09, within(1e-15));
        assertThat(t.unadjustedRelLift()).isCloseTo(0.0022664949, within(1e-10));
        assertThat(t.unadjustedRelLiftLow()).isCloseTo(-0.014207400, within(1e-9));
        assertThat(t.unadjustedRelLiftHigh()).isCloseTo(0.018740389, within(1e-9));
        assertThat(t.unadjustedRelLiftPValue()).isCloseTo(0.78738818, within(1e-8));
        // variance reduction 1 - Var(adjusted lift)/Var(unadjusted lift), from the reference half-widths:
        // 1 - (0.005062257/0.016473895)² = 0.90557 (the t quantiles of the two dfs differ in the 4th digit)
        assertThat(t.varianceReduction()).isCloseTo(0.90557, within(1e-3));
        assertThat(t.method()).contains("CUPED");
        assertThat(t.fixedRelLift()).isNull();
        assertThat(t.risk()).isNotNull().isGreaterThanOrEqualTo(0);
        // without the setting the same sums give the unadjusted result
        AbResult plain = find(ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("c", "control", true, 1, 2500, 10, 250497.94, 27356496.0848, 250604.62,
                        27389429.4528, 27266078.6263, null, null, null),
                new ArmMetrics("c", "treatment", false, 1, 2600, 10, 261108.32, 28560742.8998, 257071.17,
                        27728012.7803, 28025944.9375, null, null, null)), DEFAULTS), "treatment", "revenue_per_user");
        assertThat(plain.relLift()).isCloseTo(0.0022664949, within(1e-10));
        assertThat(plain.theta()).isNull();
    }

    @Test
    void sequentialRevenueKeepsTheFixedHorizonResult() {
        // sequential reference (gbstats), tuning 1000: lift 0.50336109, CI [-0.55844051, 1.5651627];
        // fixed horizon CI [-0.15024480, 1.1569670], p 0.13116526
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("s", "control", true, 1, 3000, 10, 1396.87, 52377.9767),
                new ArmMetrics("s", "treatment", false, 1, 3461, 10, 2422.7, 134698.29)),
                settings("s", null, null, new ExperimentSettings.Sequential(true, 1000.0), null));
        AbResult t = find(rows, "treatment", "revenue_per_user");
        assertThat(t.relLift()).isCloseTo(0.50336109, within(1e-8));
        assertThat(t.relLiftLow()).isCloseTo(-0.55844051, within(1e-8));
        assertThat(t.relLiftHigh()).isCloseTo(1.5651627, within(1e-7));
        assertThat(t.fixedRelLift()).isCloseTo(0.50336109, within(1e-8));
        assertThat(t.fixedRelLiftLow()).isCloseTo(-0.15024480, within(1e-8));
        assertThat(t.fixedRelLiftHigh()).isCloseTo(1.1569670, within(1e-7));
        assertThat(t.fixedRelLiftPValue()).isCloseTo(0.13116526, within(1e-8));
        assertThat(t.method()).contains("sequential");
    }

    @Test
    void benjaminiHochbergOverEveryMetricAndArmPair() {
        // the BH reference arms on revenue per user (relative p-values of gbstats: B 0.011652061, C
        // 0.38816190) and the same 10/2000 converters in every arm, so conversion's two pairs have lift 0 and
        // p = 1. BH over the m = 4 (metric, arm) pairs: 1, 1, then C 0.38816190·4/2 = 0.77632380, B
        // 0.011652061·4/1 = 0.046608243. GrowthBook's adjusted interval of B: sd = 0.045/Φ⁻¹(1 - 0.046608243/2),
        // 0.045 ± 1.959964·sd = [0.00067570735, 0.08932429265], wider than the raw [0.010040986, 0.079959014]
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("b", "control", true, 1, 2000, 10, 20000, 260000),
                new ArmMetrics("b", "B", false, 1, 2000, 10, 20900, 280000),
                new ArmMetrics("b", "C", false, 1, 2000, 10, 20300, 265000)),
                settings("b", null, "bh", null, null));
        AbResult b = find(rows, "B", "revenue_per_user");
        AbResult c = find(rows, "C", "revenue_per_user");
        assertThat(b.pValue()).isCloseTo(0.011652060825, within(1e-10));
        assertThat(b.adjustedPValue()).isCloseTo(0.046608243299, within(1e-10));
        assertThat(b.adjustedRelLiftLow()).isCloseTo(0.00067570735, within(1e-9));
        assertThat(b.adjustedRelLiftHigh()).isCloseTo(0.08932429265, within(1e-9));
        assertThat(b.significant()).isTrue();
        assertThat(c.pValue()).isCloseTo(0.388161901189, within(1e-10));
        assertThat(c.adjustedPValue()).isCloseTo(0.776323802379, within(1e-10));
        assertThat(find(rows, "B", "conversion").adjustedPValue()).isEqualTo(1.0);
        assertThat(b.method()).contains("bh across every metric × arm pair");
        // the absolute p-value (scipy.stats.ttest_ind_from_stats, equal_var=False) stays beside it, uncorrected
        assertThat(b.absLiftPValue()).isCloseTo(0.009905812260, within(1e-10));

        // conversion that differs: B 130/2000 and C 104/2000 against 100/2000 (gbstats proportion, relative; by
        // hand with scipy): p 0.074150685 and 0.778036990. Over the 4 pairs (revB 0.011652061, convB 0.074150685,
        // revC 0.38816190, convC 0.77803699): BH revB 0.046608243, convB 0.074150685·4/2 = 0.14830137, revC
        // 0.38816190·4/3 = 0.51754920, convC 0.77803699; Holm revB ·4 = 0.046608243, convB ·3 = 0.22245206,
        // revC ·2 = 0.77632380, convC max(0.77632380, 0.77803699) = 0.77803699. Adjusted intervals of convB
        // (lift 0.3, raw [-0.029293463, 0.629293463]): BH [-0.10675602, 0.70675602], Holm [-0.18194500, 0.78194500]
        List<ArmMetrics> arms = List.of(
                new ArmMetrics("b", "control", true, 1, 2000, 100, 20000, 260000),
                new ArmMetrics("b", "B", false, 1, 2000, 130, 20900, 280000),
                new ArmMetrics("b", "C", false, 1, 2000, 104, 20300, 265000));
        List<AbResult> bh = ExperimentEvaluator.evaluate(arms, settings("b", null, "bh", null, null));
        assertThat(find(bh, "B", "conversion").pValue()).isCloseTo(0.074150685360, within(1e-10));
        assertThat(find(bh, "C", "conversion").pValue()).isCloseTo(0.778036990215, within(1e-10));
        assertThat(find(bh, "B", "revenue_per_user").adjustedPValue()).isCloseTo(0.046608243299, within(1e-10));
        assertThat(find(bh, "B", "conversion").adjustedPValue()).isCloseTo(0.148301370720, within(1e-10));
        assertThat(find(bh, "C", "revenue_per_user").adjustedPValue()).isCloseTo(0.517549201586, within(1e-10));
        assertThat(find(bh, "C", "conversion").adjustedPValue()).isCloseTo(0.778036990215, within(1e-10));
        assertThat(find(bh, "B", "conversion").adjustedRelLiftLow()).isCloseTo(-0.10675602255, within(1e-9));
        assertThat(find(bh, "B", "conversion").adjustedRelLiftHigh()).isCloseTo(0.70675602255, within(1e-9));
        List<AbResult> holm = ExperimentEvaluator.evaluate(arms, DEFAULTS);
        assertThat(find(holm, "B", "revenue_per_user").adjustedPValue()).isCloseTo(0.046608243299, within(1e-10));
        assertThat(find(holm, "B", "conversion").adjustedPValue()).isCloseTo(0.222452056080, within(1e-10));
        assertThat(find(holm, "C", "revenue_per_user").adjustedPValue()).isCloseTo(0.776323802379, within(1e-10));
        assertThat(find(holm, "C", "conversion").adjustedPValue()).isCloseTo(0.778036990215, within(1e-10));
        assertThat(find(holm, "B", "conversion").adjustedRelLiftLow()).isCloseTo(-0.18194499839, within(1e-9));
        assertThat(find(holm, "B", "conversion").adjustedRelLiftHigh()).isCloseTo(0.78194499839, within(1e-9));
        // none: the raw numbers
        List<AbResult> none = ExperimentEvaluator.evaluate(arms, settings("b", null, "none", null, null));
        AbResult raw = find(none, "B", "conversion");
        assertThat(raw.adjustedPValue()).isEqualTo(raw.pValue());
        assertThat(raw.adjustedRelLiftLow()).isEqualTo(raw.relLiftLow());
    }

    @Test
    void conversionWithCupedUsesThePrePeriodConversion() {
        // gbstats' proportion statistics with the pre-period conversion as covariate, worked by hand (scipy for
        // t): control n 1000, 120 converters, 100 pre-period converters of whom 60 converted after; treatment
        // n 980, 150, 95, 70. Pooled (n 1980): Var(x) = q(1 - q), q = 195/1980; Cov(x, y) = 130/1980 -
        // 195·270/1980²; θ = 0.58823529. Adjusted relative lift 0.29051621, delta-method CUPED variance,
        // Welch df 1960.1360: CI [0.044733552, 0.536298861], p 0.020545393; variance reduction 0.25622622
        // against the unadjusted se 0.14531634 (lift 0.27551020, p 0.058116561)
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("v", "control", true, 1, 1000, 120, 0, 0, 0.0, 0.0, 0.0, null, null, null, 100L, 60L),
                new ArmMetrics("v", "treatment", false, 1, 980, 150, 0, 0, 0.0, 0.0, 0.0, null, null, null, 95L, 70L)),
                settings("v", new ExperimentSettings.Cuped(true, 14), "none", null, null));
        AbResult t = find(rows, "treatment", "conversion");
        assertThat(t.theta()).isCloseTo(0.5882352941, within(1e-9));
        assertThat(t.relLift()).isCloseTo(0.2905162065, within(1e-9));
        assertThat(t.relLiftLow()).isCloseTo(0.0447335520, within(1e-9));
        assertThat(t.relLiftHigh()).isCloseTo(0.5362988610, within(1e-9));
        assertThat(t.pValue()).isCloseTo(0.0205453926, within(1e-9));
        assertThat(t.degreesOfFreedom()).isCloseTo(1960.1359636, within(1e-6));
        assertThat(t.varianceReduction()).isCloseTo(0.2562262217, within(1e-9));
        assertThat(t.unadjustedRelLift()).isCloseTo(0.2755102041, within(1e-9));
        assertThat(t.unadjustedRelLiftPValue()).isCloseTo(0.0581165610, within(1e-9));
        assertThat(t.significant()).isTrue();
        assertThat(t.method()).contains("CUPED").contains("pre-assignment conversion");
        // rows materialized before the counts existed: unadjusted, and the control row says why
        List<AbResult> old = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("v", "control", true, 1, 1000, 120, 0, 0, 0.0, 0.0, 0.0, null, null, null),
                new ArmMetrics("v", "treatment", false, 1, 980, 150, 0, 0, 0.0, 0.0, 0.0, null, null, null)),
                settings("v", new ExperimentSettings.Cuped(true, 14), "none", null, null));
        assertThat(find(old, "treatment", "conversion").theta()).isNull();
        assertThat(find(old, "control", "conversion").note()).contains("no pre-period conversion counts");
    }

    @Test
    void aGuardrailSignificantlyWorseThanControlMarksTheArm() {
        // share of users with a cancelled or returned order: control 50/1000, B 80/1000, C 55/1000. B - control
        // = 0.03, se = √(0.05·0.95/1000 + 0.08·0.92/1000) = 0.0110045445, Welch df 1909.31, p = 0.0064664115
        // (scipy.stats.t.sf); C: p = 0.61620290
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("g", "control", true, 1, 1000, 100, 1000, 5000, null, null, null, 60L, 50L, 50L),
                new ArmMetrics("g", "B", false, 1, 1000, 130, 1200, 6000, null, null, null, 90L, 80L, 80L),
                new ArmMetrics("g", "C", false, 1, 1000, 100, 1000, 5000, null, null, null, 60L, 55L, 55L)),
                settings("g", null, null, null, List.of("cancel_return_rate")));
        AbResult gb = find(rows, "B", "cancel_return_rate");
        assertThat(gb.guardrailMetric()).isTrue();
        assertThat(gb.absLift()).isCloseTo(0.03, within(1e-12));
        assertThat(gb.degreesOfFreedom()).isCloseTo(1909.3110693, within(1e-6));
        assertThat(gb.absLiftPValue()).isCloseTo(0.0064664115, within(1e-10));
        assertThat(gb.conversions()).isEqualTo(80L);
        assertThat(find(rows, "C", "cancel_return_rate").absLiftPValue()).isCloseTo(0.6162029, within(1e-7));
        // B: every row marked, whatever conversion says (B converts better: 130 vs 100)
        assertThat(rows.stream().filter(r -> r.variant().equals("B"))).hasSize(3).allSatisfy(r -> {
            assertThat(r.guardrailViolated()).isTrue();
        });
        assertThat(find(rows, "B", "conversion").note()).contains("guardrail violated: cancel_return_rate");
        assertThat(rows.stream().filter(r -> r.variant().equals("C"))).hasSize(3)
                .allSatisfy(r -> assertThat(r.guardrailViolated()).isFalse());
        assertThat(rows.stream().filter(AbResult::isControl))
                .allSatisfy(r -> assertThat(r.guardrailViolated()).isNull());
        // rows materialized before the guardrail counts existed: no guardrail rows, and the control says why
        List<AbResult> old = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("g", "control", true, 1, 1000, 100, 1000, 5000),
                new ArmMetrics("g", "B", false, 1, 1000, 130, 1200, 6000)),
                settings("g", null, null, null, List.of("cancel_return_rate")));
        assertThat(old).noneMatch(r -> r.metric().equals("cancel_return_rate"));
        assertThat(find(old, "control", "conversion").note()).contains("cancel_return_rate not evaluated");
    }

    @Test
    void cappingUsesTheCappedSumsOfTheWarehouse() {
        // the capped sums replace the raw ones: control n 1000, Σ min(y, cap) 5000, Σ² 100000; treatment n 1000,
        // 5500, 110000 (raw sums with a whale far larger). Relative lift 0.1, by hand: variances (100000 -
        // 5000²/1000)/999 = 75.075075 and (110000 - 5500²/1000)/999 = 79.829830; se² = 79.829830/(1000·25) +
        // 75.075075·5.5²/(1000·5⁴) = 0.0031931932 + 0.0036336336 = 0.0068268268, se 0.082624614; Welch df
        // 1996.1193 (scipy.stats.t: CI [-0.0620395206, 0.2620395206], p 0.2263097395)
        ExperimentEvaluator.CappedRevenue controlCapped = new ExperimentEvaluator.CappedRevenue(60.0, 5000, 100000,
                0, 0, 0);
        ExperimentEvaluator.CappedRevenue treatmentCapped = new ExperimentEvaluator.CappedRevenue(60.0, 5500, 110000,
                0, 0, 0);
        List<ArmMetrics> arms = List.of(
                new ArmMetrics("k", "control", true, 1, 1000, 100, 5000, 100000, 0.0, 0.0, 0.0, null, null, null, null,
                        null, controlCapped),
                new ArmMetrics("k", "treatment", false, 1, 1000, 100, 9500, 16110000, 0.0, 0.0, 0.0, null, null, null,
                        null, null, treatmentCapped));
        ExperimentSettings capOn = new ExperimentSettings(null, Map.of("k", new ExperimentSettings.Settings(null, null,
                null, null, null, null, null, null, null, new ExperimentSettings.Capping(true, 0.99, false))));
        AbResult t = find(ExperimentEvaluator.evaluate(arms, capOn), "treatment", "revenue_per_user");
        assertThat(t.relLift()).isCloseTo(0.1, within(1e-12));
        assertThat(t.meanValue()).isCloseTo(5.5, within(1e-12));
        assertThat(t.relLiftLow()).isCloseTo(-0.0620395206, within(1e-9));
        assertThat(t.relLiftHigh()).isCloseTo(0.2620395206, within(1e-9));
        assertThat(t.degreesOfFreedom()).isCloseTo(1996.1193308, within(1e-6));
        assertThat(t.pValue()).isCloseTo(0.2263097395, within(1e-9));
        assertThat(t.note()).contains("capped at the 99th percentile").contains("60.00");
        // without capping the whale's raw sums are used: lift (9.5 - 5)/5 = 0.9
        assertThat(find(ExperimentEvaluator.evaluate(arms, DEFAULTS), "treatment", "revenue_per_user").relLift())
                .isCloseTo(0.9, within(1e-12));
        // rows materialized before the capped sums existed: uncapped, and said so
        List<AbResult> old = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("k", "control", true, 1, 1000, 100, 5000, 100000),
                new ArmMetrics("k", "treatment", false, 1, 1000, 100, 9500, 16110000)), capOn);
        assertThat(find(old, "treatment", "revenue_per_user").relLift()).isCloseTo(0.9, within(1e-12));
        assertThat(find(old, "control", "revenue_per_user").note()).contains("no capped sums");
    }

    @Test
    void anAverageOrderValueSignificantlyLowerThanControlViolatesTheAovGuardrail() {
        // the sums of RatioMetricTest (numpy sample, seed 7): control 800 users, Σy 26014.23, Σy² 2255080.9907,
        // 653 orders, Σd² 1119, Σyd 44495.71 -> AOV 39.838025; B the 820-user sample with every revenue times 0.8:
        // Σy 22940.92, Σy² 1749483.711552, Σyd 42945.392 -> AOV 33.736647. gbstats ratio by hand (scipy.stats.t):
        // absolute lift -6.1013774435, CI [-8.7788175607, -3.4239373262], p 8.4002862e-06: lower is worse, violated.
        // C: the unscaled sample, AOV 42.170809 (higher): not violated
        ExperimentSettings aov = settings("o", null, null, null, List.of("aov"));
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("o", "control", true, 1, 800, 300, 26014.23, 2255080.9907, null, null, null, null, null,
                        null, null, null, null, new ExperimentEvaluator.OrderSums(653, 1119, 44495.71)),
                new ArmMetrics("o", "B", false, 1, 820, 300, 22940.92, 1749483.711552, null, null, null, null, null,
                        null, null, null, null, new ExperimentEvaluator.OrderSums(680, 1302, 42945.392)),
                new ArmMetrics("o", "C", false, 1, 820, 300, 28676.15, 2733568.2993, null, null, null, null, null,
                        null, null, null, null, new ExperimentEvaluator.OrderSums(680, 1302, 53681.74))), aov);
        AbResult b = find(rows, "B", "aov");
        assertThat(b.meanValue()).isCloseTo(22940.92 / 680, within(1e-12));
        assertThat(b.absLift()).isCloseTo(-6.1013774435, within(1e-9));
        assertThat(b.absLiftLow()).isCloseTo(-8.7788175607, within(1e-9));
        assertThat(b.absLiftHigh()).isCloseTo(-3.4239373262, within(1e-9));
        assertThat(b.absLiftPValue()).isCloseTo(8.4002862e-06, within(1e-12));
        assertThat(b.guardrailMetric()).isTrue();
        // aov is a ratio metric (delta method), and guardrails are not corrected: the stored method says so
        assertThat(rows.stream().filter(r -> r.metric().equals("aov"))).hasSize(3).allSatisfy(r ->
                assertThat(r.method()).startsWith("gbstats: ratio metric").contains("delta-method variance")
                        .doesNotContain("proportion").doesNotContain("holm").doesNotContain("none across")
                        .contains("not corrected for multiple testing"));
        assertThat(find(rows, "B", "conversion").method()).contains("holm across every metric × arm pair");
        assertThat(rows.stream().filter(r -> r.variant().equals("B"))).allSatisfy(r ->
                assertThat(r.guardrailViolated()).isTrue());
        assertThat(find(rows, "B", "conversion").note()).contains("guardrail violated: aov");
        AbResult c = find(rows, "C", "aov");
        assertThat(c.absLift()).isCloseTo(2.3327843212, within(1e-9));
        assertThat(rows.stream().filter(r -> r.variant().equals("C"))).allSatisfy(r ->
                assertThat(r.guardrailViolated()).isFalse());
    }

    private static AbResult find(List<AbResult> rows, String variant, String metric) {
        return rows.stream().filter(r -> r.variant().equals(variant) && r.metric().equals(metric)).findFirst()
                .orElseThrow();
    }
}
