package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Conversion metric against reference values computed independently (scipy.stats, and by hand
 * from the formulas here in the test), never against this code's own output.
 */
class ConversionStatisticsTest {

    /** Published two-sided standard-normal quantiles, written out so the test does not share code with the subject. */
    private static final double Z_975 = 1.959963984540054;
    private static final double Z_95 = 1.6448536269514722;
    private static final double Z_80 = 0.8416212335729143;

    private static final ConversionArm CONTROL = new ConversionArm("control", 1000, 120);
    private static final ConversionArm TREATMENT = new ConversionArm("B", 980, 150);

    private static ConversionComparison single(ConversionArm control, ConversionArm treatment, double alpha) {
        ConversionEvaluation eval = AbStatistics.evaluateConversion(control, List.of(treatment), alpha);
        assertThat(eval.variants()).hasSize(1);
        return eval.variants().get(0);
    }

    @Test
    void pooledZTestWaldIntervalAndSrmMatchReference() {
        ConversionEvaluation eval = AbStatistics.evaluateConversion(CONTROL, List.of(TREATMENT), 0.05);
        ConversionComparison c = eval.variants().get(0);
        assertThat(eval.controlRate()).isEqualTo(0.12);
        assertThat(c.rate()).isCloseTo(150.0 / 980, within(1e-15));
        assertThat(c.zScore()).isCloseTo(2.143308, within(1e-6));
        assertThat(c.pValue()).isCloseTo(0.032088, within(1e-6));
        assertThat(c.absoluteLift().estimate()).isCloseTo(0.033061, within(1e-6));
        assertThat(c.absoluteLift().ciLow()).isCloseTo(0.002832, within(1e-6));
        assertThat(c.absoluteLift().ciHigh()).isCloseTo(0.063290, within(1e-6));
        assertThat(eval.srm().pValue()).isCloseTo(0.653095, within(1e-6));
        assertThat(eval.srm().mismatch()).isFalse();
        assertThat(eval.srm().threshold()).isEqualTo(0.001);
        // a single treatment arm: Holm leaves the p-value unchanged
        assertThat(c.adjustedPValue()).isEqualTo(c.pValue());
        assertThat(c.significant()).isTrue();
        assertThat(c.note()).isNull();
    }

    @Test
    void waldPValueIsDualToItsInterval() {
        ConversionComparison c = single(CONTROL, TREATMENT, 0.05);
        double pc = 0.12;
        double pt = 150.0 / 980;
        double se = Math.sqrt(pt * (1 - pt) / 980 + pc * (1 - pc) / 1000);
        double z = (pt - pc) / se;
        // 2·(1 − Φ(z)) with Φ from the error function: Φ(−z) = erfc(z/√2)/2
        double expected = org.apache.commons.math3.special.Erf.erfc(z / Math.sqrt(2));
        assertThat(c.absoluteLift().pValue()).isCloseTo(expected, within(1e-12));
    }

    @Test
    void relativeLiftDeltaMethodIntervalFromFormula() {
        ConversionComparison c = single(CONTROL, TREATMENT, 0.05);
        double pc = 120.0 / 1000;
        double pt = 150.0 / 980;
        double rel = (pt - pc) / pc;
        double var = pt * (1 - pt) / (pc * pc * 980) + pc * (1 - pc) * pt * pt / (Math.pow(pc, 4) * 1000);
        assertThat(c.relativeLift().estimate()).isCloseTo(rel, within(1e-12));
        assertThat(c.relativeLift().ciLow()).isCloseTo(rel - Z_975 * Math.sqrt(var), within(1e-9));
        assertThat(c.relativeLift().ciHigh()).isCloseTo(rel + Z_975 * Math.sqrt(var), within(1e-9));
        // the same numbers from scipy: 0.275510, (-0.009305, 0.560325)
        assertThat(c.relativeLift().estimate()).isCloseTo(0.275510, within(1e-6));
        assertThat(c.relativeLift().ciLow()).isCloseTo(-0.009305, within(1e-6));
        assertThat(c.relativeLift().ciHigh()).isCloseTo(0.560325, within(1e-6));
    }

    @Test
    void quantileFollowsAlpha() {
        ConversionComparison c = single(CONTROL, TREATMENT, 0.10);
        double pc = 0.12;
        double pt = 150.0 / 980;
        double se = Math.sqrt(pt * (1 - pt) / 980 + pc * (1 - pc) / 1000);
        assertThat(c.absoluteLift().ciLow()).isCloseTo(pt - pc - Z_95 * se, within(1e-9));
        assertThat(c.absoluteLift().ciHigh()).isCloseTo(pt - pc + Z_95 * se, within(1e-9));
    }

    @Test
    void minimumDetectableEffectByHand() {
        ConversionComparison c = single(CONTROL, TREATMENT, 0.05);
        double expected = (Z_975 + Z_80) * Math.sqrt(0.12 * 0.88 * (1.0 / 1000 + 1.0 / 980));
        assertThat(c.minimumDetectableEffect()).isCloseTo(expected, within(1e-9));
        assertThat(c.minimumDetectableEffect()).isCloseTo(0.040922, within(1e-6));
    }

    @Test
    void largeBalancedExperiment() {
        ConversionEvaluation eval = AbStatistics.evaluateConversion(
                new ConversionArm("control", 49962, 13880), List.of(new ConversionArm("B", 50038, 13971)), 0.05);
        ConversionComparison c = eval.variants().get(0);
        assertThat(c.pValue()).isCloseTo(0.622, within(0.001));
        assertThat(eval.srm().pValue()).isCloseTo(0.810, within(0.001));
        assertThat(c.significant()).isFalse();
    }

    @Test
    void chanceToBeatControlIsReported() {
        ConversionComparison c = single(CONTROL, TREATMENT, 0.05);
        double expected = ChanceToBeatTest.referenceProbability(1 + 120, 1 + 880, 1 + 150, 1 + 830);
        assertThat(c.chanceToBeatControl()).isCloseTo(expected, within(1e-9));
        assertThat(c.chanceToBeatControl()).isBetween(0.98, 0.99);
    }

    @Test
    void holmAcrossTreatmentArms() {
        ConversionEvaluation eval = AbStatistics.evaluateConversion(CONTROL, List.of(
                TREATMENT,
                new ConversionArm("C", 1010, 125),
                new ConversionArm("D", 990, 160)), 0.05, null, 0.001);
        double[] raw = eval.variants().stream().mapToDouble(ConversionComparison::pValue).toArray();
        // sorted order: D (smallest p), B, C; Holm multipliers 3, 2, 1 with a running maximum
        assertThat(raw[2]).isLessThan(raw[0]).isLessThan(raw[1]);
        double d = Math.min(1, 3 * raw[2]);
        double b = Math.max(d, Math.min(1, 2 * raw[0]));
        double c = Math.max(b, Math.min(1, raw[1]));
        assertThat(eval.variants().get(2).adjustedPValue()).isCloseTo(d, within(1e-15));
        assertThat(eval.variants().get(0).adjustedPValue()).isCloseTo(b, within(1e-15));
        assertThat(eval.variants().get(1).adjustedPValue()).isCloseTo(c, within(1e-15));
        for (ConversionComparison v : eval.variants()) {
            assertThat(v.significant()).isEqualTo(v.adjustedPValue() < 0.05);
        }
        // B alone is significant (p = 0.032) but not after correcting for three arms
        assertThat(eval.variants().get(0).pValue()).isLessThan(0.05);
        assertThat(eval.variants().get(0).significant()).isFalse();
    }

    @Test
    void srmUsesIntendedWeights() {
        // 1000 vs 2100 at an intended 1:2 split: expected 1033.33 and 2066.67
        ConversionEvaluation eval = AbStatistics.evaluateConversion(CONTROL,
                List.of(new ConversionArm("B", 2100, 250)), 0.05, new double[] {1, 2}, 0.001);
        double e0 = 3100 / 3.0;
        double e1 = 2 * 3100 / 3.0;
        double chi = Math.pow(1000 - e0, 2) / e0 + Math.pow(2100 - e1, 2) / e1;
        assertThat(eval.srm().chiSquare()).isCloseTo(chi, within(1e-9));
        // χ²(1) survival: P(Z² > x) = erfc(√(x/2))
        assertThat(eval.srm().pValue()).isCloseTo(org.apache.commons.math3.special.Erf.erfc(Math.sqrt(chi / 2)),
                within(1e-12));
    }
}
