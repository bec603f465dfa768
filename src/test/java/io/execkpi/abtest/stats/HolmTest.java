package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Holm–Bonferroni step-down adjustment against hand-computed values and its defining properties. */
class HolmTest {

    @Test
    void handComputedExample() {
        // sorted: 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04 → raised to 0.06 by monotonicity
        assertThat(AbStatistics.holm(new double[] {0.01, 0.04, 0.03}))
                .containsExactly(new double[] {0.03, 0.06, 0.06}, within(1e-15));
    }

    @Test
    void cappedAtOneAndSingleValueUnchanged() {
        assertThat(AbStatistics.holm(new double[] {0.5, 0.6, 0.02}))
                .containsExactly(new double[] {1.0, 1.0, 0.06}, within(1e-15));
        assertThat(AbStatistics.holm(new double[] {0.037})).containsExactly(0.037);
        assertThat(AbStatistics.holm(new double[0])).isEmpty();
    }

    @Test
    void tiesAndBonferroniBounds() {
        assertThat(AbStatistics.holm(new double[] {0.01, 0.01, 0.01, 0.01}))
                .containsExactly(new double[] {0.04, 0.04, 0.04, 0.04}, within(1e-15));
    }

    @Test
    void monotoneAndBetweenRawAndBonferroni() {
        Random random = new Random(42);
        for (int rep = 0; rep < 1000; rep++) {
            int m = 1 + random.nextInt(20);
            double[] p = new double[m];
            for (int i = 0; i < m; i++) {
                p[i] = random.nextDouble() * (random.nextBoolean() ? 0.1 : 1);
            }
            double[] adj = AbStatistics.holm(p);
            for (int i = 0; i < m; i++) {
                assertThat(adj[i]).isGreaterThanOrEqualTo(p[i]).isLessThanOrEqualTo(Math.min(1, m * p[i]) + 1e-15);
                for (int j = 0; j < m; j++) {
                    if (p[i] <= p[j]) {
                        assertThat(adj[i]).isLessThanOrEqualTo(adj[j]);
                    }
                }
            }
        }
    }
}
