package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Benjamini–Hochberg, Holm and GrowthBook's adjusted intervals against values worked out by hand. */
class MultipleTestingTest {

    /** Φ⁻¹(0.975) and Φ⁻¹(0.99), from tables. */
    private static final double Z975 = 1.959963984540054;
    private static final double Z99 = 2.3263478740408408;

    @Test
    void benjaminiHochbergByHand() {
        // sorted: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04; already monotone
        assertThat(MultipleTesting.benjaminiHochberg(new double[] {0.01, 0.04, 0.03, 0.005}))
                .containsExactly(new double[] {0.02, 0.04, 0.04, 0.02}, within(1e-15));
        // 0.9 stays; 0.8·2 = 1.6 is capped at 1, then the running minimum from the top brings it to 0.9
        assertThat(MultipleTesting.benjaminiHochberg(new double[] {0.9, 0.8}))
                .containsExactly(new double[] {0.9, 0.9}, within(1e-15));
        // 0.01·3 = 0.03 but 0.02·3/2 = 0.03 and 0.025·3/3 = 0.025: the minimum over larger ranks wins
        assertThat(MultipleTesting.benjaminiHochberg(new double[] {0.025, 0.01, 0.02}))
                .containsExactly(new double[] {0.025, 0.025, 0.025}, within(1e-15));
        assertThat(MultipleTesting.benjaminiHochberg(new double[0])).isEmpty();
    }

    @Test
    void holmByHandAndNone() {
        // ascending: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06
        double[] p = {0.01, 0.04, 0.03, 0.005};
        assertThat(MultipleTesting.adjust(Correction.HOLM, p))
                .containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-15));
        assertThat(MultipleTesting.adjust(Correction.NONE, p)).containsExactly(p);
    }

    @Test
    void adjustedIntervalByHand() {
        // sd = 0.045 / Φ⁻¹(1 − 0.02/2), width = Φ⁻¹(0.975)·sd
        double width = Z975 * 0.045 / Z99;
        double[] ci = MultipleTesting.adjustedInterval(0.02, 0.045, 0.05, 0.01, 0.08);
        assertThat(ci).containsExactly(new double[] {0.045 - width, 0.045 + width}, within(1e-9));
        // not wider on both sides: the unadjusted interval stays
        assertThat(MultipleTesting.adjustedInterval(0.02, 0.045, 0.05, 0.0, 0.08))
                .containsExactly(0.0, 0.08);
        // a zero estimate gives [0, 0], never wider
        assertThat(MultipleTesting.adjustedInterval(0.5, 0.0, 0.05, -0.1, 0.1)).containsExactly(-0.1, 0.1);
        // adjusted p of 1 means unbounded
        assertThat(MultipleTesting.adjustedInterval(1.0, 0.045, 0.05, 0.01, 0.08))
                .containsExactly(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    @Test
    void correctionRunsOverEveryMetricAndArmPair() {
        SufficientStats control = SufficientStats.of("A", 2000, 20000, 260000);
        MetricInput orders = new MetricInput("orders", MetricKind.MEAN, control,
                List.of(SufficientStats.of("B", 2000, 20900, 280000), SufficientStats.of("C", 2000, 20300, 265000)));
        MetricInput items = new MetricInput("items", MetricKind.MEAN, SufficientStats.of("A", 2000, 5000, 20000),
                List.of(SufficientStats.of("B", 2000, 5150, 21000), SufficientStats.of("C", 2000, 4990, 19800)));
        EffectOptions bh = new EffectOptions(0.05, Difference.RELATIVE, Correction.BH, null);
        ExperimentEffects e = EffectStatistics.evaluate(List.of(orders, items), null, 0.001, bh);
        double[] raw = new double[4];
        double[] adjusted = new double[4];
        int k = 0;
        for (MetricEffects m : e.metrics()) {
            for (EffectComparison c : m.variants()) {
                raw[k] = c.lift().pValue();
                adjusted[k++] = c.adjustedPValue();
            }
        }
        // step-up BH written out: adjusted_i = min over p_j ≥ p_i of p_j·m/rank_j
        for (int i = 0; i < 4; i++) {
            double best = 1;
            for (int j = 0; j < 4; j++) {
                if (raw[j] >= raw[i]) {
                    int rank = 0;
                    for (double q : raw) {
                        rank += q <= raw[j] ? 1 : 0;
                    }
                    best = Math.min(best, raw[j] * 4 / rank);
                }
            }
            assertThat(adjusted[i]).isCloseTo(best, within(1e-15));
        }
        // the single-metric family would be smaller: correcting over four pairs is stricter
        ExperimentEffects alone = EffectStatistics.evaluate(List.of(orders), null, 0.001, bh);
        assertThat(adjusted[0]).isGreaterThan(alone.metrics().get(0).variants().get(0).adjustedPValue());
    }

    @Test
    void parsesTheApiNames() {
        assertThat(Correction.parse("BH", "correction")).isEqualTo(Correction.BH);
        assertThat(Correction.parse("holm", "correction")).isEqualTo(Correction.HOLM);
        assertThat(Correction.parse("none", "correction")).isEqualTo(Correction.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Correction.parse("bonferroni", "correction"))
                .isInstanceOf(InvalidExperimentInputException.class).hasMessageContaining("correction");
    }
}
