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
        // conversion: control 120/1000 vs treatment 150/980 (z = 2.143308, p = 0.032088, lift 0.033061
        // [0.002832, 0.063290]); revenue per user: the published Welch case needs n = 3407 / 3461, so the
        // revenue sums are checked in a second experiment below
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("e", "treatment", false, 1, 980, 150, 0, 0),
                new ArmMetrics("e", "control", true, 1, 1000, 120, 0, 0)), DEFAULTS);
        AbResult treatment = find(rows, "treatment", "conversion");
        assertThat(treatment.statistic()).isCloseTo(2.143308, within(1e-6));
        assertThat(treatment.pValue()).isCloseTo(0.032088, within(1e-6));
        assertThat(treatment.adjustedPValue()).isCloseTo(0.032088, within(1e-6)); // one arm: Holm changes nothing
        assertThat(treatment.significant()).isTrue();
        assertThat(treatment.absLift()).isCloseTo(0.033061, within(1e-6));
        assertThat(treatment.absLiftLow()).isCloseTo(0.002832, within(1e-6));
        assertThat(treatment.absLiftHigh()).isCloseTo(0.063290, within(1e-6));
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
        assertThat(t.pValue()).isCloseTo(0.02016, within(1e-4));
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
        assertThat(treatment.pValue()).isCloseTo(0.032088, within(1e-6));
        assertThat(treatment.absLift()).isCloseTo(0.033061, within(1e-6));
        assertThat(treatment.significant()).isTrue();
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
        // issue 10's CUPED reference (gbstats at growthbook/growthbook@8f1db44): relative lift 0.015276629,
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
        // issue 10's sequential reference, tuning 1000: lift 0.50336109, CI [-0.55844051, 1.5651627];
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
    void benjaminiHochbergAcrossTheRevenueArms() {
        // absolute Welch p-values by scipy.stats.ttest_ind_from_stats(equal_var=False): B 0.009905812260,
        // C 0.384569305650; BH over m = 2: B 0.00990581226 · 2/1 = 0.01981162452, C 0.38456930565 · 2/2
        List<AbResult> rows = ExperimentEvaluator.evaluate(List.of(
                new ArmMetrics("b", "control", true, 1, 2000, 10, 20000, 260000),
                new ArmMetrics("b", "B", false, 1, 2000, 10, 20900, 280000),
                new ArmMetrics("b", "C", false, 1, 2000, 10, 20300, 265000)),
                settings("b", null, "bh", null, null));
        AbResult b = find(rows, "B", "revenue_per_user");
        AbResult c = find(rows, "C", "revenue_per_user");
        assertThat(b.pValue()).isCloseTo(0.009905812260, within(1e-10));
        assertThat(b.adjustedPValue()).isCloseTo(0.01981162452, within(1e-10));
        assertThat(c.pValue()).isCloseTo(0.38456930565, within(1e-10));
        assertThat(c.adjustedPValue()).isCloseTo(0.38456930565, within(1e-10));
        assertThat(b.method()).contains("bh across arms");
        // the reference's relative p-value of B (gbstats): 0.011652061
        assertThat(b.relLiftPValue()).isCloseTo(0.011652061, within(1e-9));
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
        assertThat(gb.pValue()).isCloseTo(0.0064664115, within(1e-10));
        assertThat(gb.conversions()).isEqualTo(80L);
        assertThat(find(rows, "C", "cancel_return_rate").pValue()).isCloseTo(0.6162029, within(1e-7));
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
    void settingsRejectWhatAbMetricsCannotServe() {
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> settings("x", new ExperimentSettings.Cuped(true, 7), null, null, null))
                .withMessageContaining("window-days must be 14");
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> settings("x", null, "bonferroni", null, null))
                .withMessageContaining("correction must be holm, bh or none");
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> settings("x", null, null, null, List.of("aov")))
                .withMessageContaining("unknown guardrail 'aov'");
        ExperimentSettings shipped = ExperimentSettings.load(
                new org.springframework.core.io.FileSystemResource("jobs/experiments.yml"));
        assertThat(shipped.forExperiment("any").cupedOn()).isTrue();
        assertThat(shipped.forExperiment("any").effectOptions(io.execkpi.abtest.stats.Difference.RELATIVE)
                .correction()).isEqualTo(io.execkpi.abtest.stats.Correction.HOLM);
    }

    private static AbResult find(List<AbResult> rows, String variant, String metric) {
        return rows.stream().filter(r -> r.variant().equals(variant) && r.metric().equals(metric)).findFirst()
                .orElseThrow();
    }
}
