package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Welch mean metric against reference values computed independently (scipy.stats / by hand). */
class MeanStatisticsTest {

    private static final MeanArm CONTROL = new MeanArm("control", 3407, 1396.87, 52377.9767);
    private static final MeanArm TREATMENT = new MeanArm("B", 3461, 2422.7, 134698.29);

    @Test
    void welchAbsoluteAndRelativeLift() {
        MeanComparison c = AbStatistics.evaluateMean(CONTROL, List.of(TREATMENT), 0.05).get(0);
        assertThat(c.mean()).isCloseTo(0.7, within(1e-12));
        assertThat(c.variance()).isCloseTo(38.44, within(1e-9));
        assertThat(c.absoluteLift().estimate()).isCloseTo(0.29, within(1e-9));
        assertThat(c.absoluteLift().ciLow()).isCloseTo(0.04538, within(1e-5));
        assertThat(c.absoluteLift().ciHigh()).isCloseTo(0.53462, within(1e-5));
        assertThat(c.pValue()).isCloseTo(0.02016, within(1e-5));
        assertThat(c.absoluteLift().pValue()).isEqualTo(c.pValue());
        assertThat(c.relativeLift().estimate()).isCloseTo(0.70732, within(1e-5));
        assertThat(c.relativeLift().ciLow()).isCloseTo(-0.03526, within(1e-5));
        assertThat(c.relativeLift().ciHigh()).isCloseTo(1.44989, within(1e-5));
        assertThat(c.relativeLift().pValue()).isCloseTo(0.06191, within(1e-5));
        assertThat(c.significant()).isTrue();
        assertThat(c.note()).isNull();
    }

    @Test
    void welchSatterthwaiteDegreesOfFreedomAndTByHand() {
        MeanComparison c = AbStatistics.evaluateMean(CONTROL, List.of(TREATMENT), 0.05).get(0);
        double vc = (52377.9767 - 1396.87 * 1396.87 / 3407) / 3406;   // 15.21
        double vt = (134698.29 - 2422.7 * 2422.7 / 3461) / 3460;      // 38.44
        double a = vt / 3461;
        double b = vc / 3407;
        double df = (a + b) * (a + b) / (a * a / 3460 + b * b / 3406);
        assertThat(c.degreesOfFreedom()).isCloseTo(df, within(1e-6));
        assertThat(c.degreesOfFreedom()).isCloseTo(5841.742, within(1e-3));
        assertThat(c.tStatistic()).isCloseTo(0.29 / Math.sqrt(a + b), within(1e-9));
        assertThat(c.tStatistic()).isCloseTo(2.324023, within(1e-6));
    }

    @Test
    void holmAcrossArms() {
        List<MeanComparison> out = AbStatistics.evaluateMean(CONTROL, List.of(TREATMENT,
                new MeanArm("C", 3400, 1500.0, 60000.0)), 0.05);
        double pB = out.get(0).pValue();
        double pC = out.get(1).pValue();
        assertThat(pB).isLessThan(pC);
        assertThat(out.get(0).adjustedPValue()).isCloseTo(Math.min(1, 2 * pB), within(1e-15));
        assertThat(out.get(1).adjustedPValue()).isCloseTo(Math.max(Math.min(1, 2 * pB), pC), within(1e-15));
        assertThat(out.get(0).significant()).isEqualTo(2 * pB < 0.05);
    }
}
