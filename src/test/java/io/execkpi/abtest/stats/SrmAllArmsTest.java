package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** SRM over all configured arms, an empty one included, against closed-form χ² tails. */
class SrmAllArmsTest {

    @Test
    void emptyArmGivesATinyPValueAndAFlag() {
        // expected 2000/3 each: χ² = 2·(1000/3)²/(2000/3) + 2000/3 = 1000, and for df 2 the tail is e^(−χ²/2)
        ArmsSrmResult r = EffectStatistics.sampleRatioMismatchAllArms(new long[] {1000, 1000, 0}, null, 0.001);
        assertThat(r.chiSquare()).isCloseTo(1000, within(1e-9));
        assertThat(r.pValue() / Math.exp(-500)).isCloseTo(1.0, within(1e-9));
        assertThat(r.mismatch()).isTrue();
        assertThat(r.emptyArms()).containsExactly(2);
        assertThat(r.hasEmptyArm()).isTrue();
        assertThat(r.note()).contains("0 users");
    }

    @Test
    void emptyArmIsFlaggedEvenWhenTheTestCannotReachTheThreshold() {
        // χ² = (3 − 1.5)²/1.5·2 = 3 with df 1: p = erfc(√1.5) ≈ 0.083
        ArmsSrmResult r = EffectStatistics.sampleRatioMismatchAllArms(new long[] {3, 0}, null, 0.001);
        assertThat(r.chiSquare()).isCloseTo(3, within(1e-12));
        assertThat(r.pValue()).isCloseTo(Erf.erfc(Math.sqrt(1.5)), within(1e-12));
        assertThat(r.mismatch()).isFalse();
        assertThat(r.emptyArms()).containsExactly(1);
    }

    @Test
    void weightsAndNoUsers() {
        // weights 1:3 with 250/750 users: a perfect fit
        ArmsSrmResult fit = EffectStatistics.sampleRatioMismatchAllArms(new long[] {250, 750}, new double[] {1, 3},
                0.001);
        assertThat(fit.chiSquare()).isCloseTo(0, within(1e-12));
        assertThat(fit.pValue()).isCloseTo(1, within(1e-12));
        ArmsSrmResult none = EffectStatistics.sampleRatioMismatchAllArms(new long[] {0, 0}, null, 0.001);
        assertThat(none.pValue()).isEqualTo(1.0);
        assertThat(none.mismatch()).isFalse();
        assertThat(none.emptyArms()).containsExactly(0, 1);
        assertThatThrownBy(() -> EffectStatistics.sampleRatioMismatchAllArms(new long[] {5, -1}, null, 0.001))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("users[1]");
    }

    @Test
    void experimentWithAnEmptyArmStillComparesTheOthers() {
        MetricInput revenue = new MetricInput("revenue", MetricKind.MEAN, SufficientStats.of("A", 2000, 20000, 260000),
                List.of(SufficientStats.of("B", 2000, 20900, 280000), SufficientStats.of("C", 0, 0, 0)));
        ExperimentEffects e = EffectStatistics.evaluate(List.of(revenue), null, 0.001, EffectOptions.defaults());
        assertThat(e.srm().emptyArms()).containsExactly(2);
        assertThat(e.srm().mismatch()).isTrue();
        // expected 4000/3 each: χ² = 2·(2000/3)²/(4000/3) + 4000/3 = 2000, p = e^(−1000)
        assertThat(e.srm().chiSquare()).isCloseTo(2000, within(1e-9));
        assertThat(e.srm().pValue()).isLessThan(1e-200);

        EffectComparison b = e.metrics().get(0).variants().get(0);
        EffectComparison c = e.metrics().get(0).variants().get(1);
        assertThat(b.lift().defined()).isTrue();
        // Holm over {p_B, 1}: the undefined arm counts as p = 1, so B's adjusted p is 2·p_B
        assertThat(b.adjustedPValue()).isCloseTo(Math.min(1, 2 * b.lift().pValue()), within(1e-15));
        assertThat(c.n()).isZero();
        assertThat(c.lift().defined()).isFalse();
        assertThat(c.lift().errorMessage()).isEqualTo(LiftEstimate.ZERO_NEGATIVE_VARIANCE);
        assertThat(c.lift().estimate()).isNull();
        assertThat(c.adjustedPValue()).isNull();
        assertThat(c.significant()).isFalse();
        assertThat(c.note()).contains("0 users");
    }
}
