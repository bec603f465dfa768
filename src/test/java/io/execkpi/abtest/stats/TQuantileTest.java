package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/** The fast t quantile of {@link EffectStatistics#tQuantile} against published t-table values (R's qt, 10 digits). */
class TQuantileTest {

    private static double q(double df, double p) {
        return EffectStatistics.tQuantile(new TDistribution(null, df, 1e-13), p);
    }

    @Test
    void publishedQuantiles() {
        assertThat(q(10, 0.975)).isCloseTo(2.228138852, within(1e-9));
        assertThat(q(30, 0.975)).isCloseTo(2.042272456, within(1e-9));
        assertThat(q(100, 0.975)).isCloseTo(1.983971519, within(1e-9));
        assertThat(q(3, 0.975)).isCloseTo(3.182446305, within(1e-9));
        assertThat(q(5, 0.995)).isCloseTo(4.032142984, within(1e-9));
        // below 3 df the bracketing solver answers
        assertThat(q(2, 0.975)).isCloseTo(4.302652730, within(1e-9));
        assertThat(q(1, 0.975)).isCloseTo(12.70620474, within(1e-7));
        // a large df, exact value from mpmath at 30 digits (root of the regularized incomplete beta)
        assertThat(q(121926.9421994271, 0.9)).isCloseTo(1.2815585089603386, within(1e-11));
        assertThat(q(352368.8629563443, 0.9)).isCloseTo(1.2815539681019098, within(1e-11));
        // at a million df commons-math's t CDF itself is off by about 1e-10
        assertThat(q(1e6, 0.975)).isCloseTo(1.9599663568141070, within(1e-9));
    }

    /**
     * Both solve commons-math's t CDF, which at df in the hundred thousands is itself only accurate
     * to about 1e-12 relative, and the bracketing solver then stops up to 2e-11 off (the mpmath values
     * above show Newton's answer is the closer one); hence the tolerance.
     */
    @Test
    void agreesWithTheBracketingSolverOverTheDfOfAbTests() {
        for (double df = 3; df < 2e6; df *= 1.7) {
            for (double p : new double[] {0.5, 0.9, 0.975, 0.995, 0.9995}) {
                TDistribution t = new TDistribution(null, df, 1e-15);
                double expected = t.inverseCumulativeProbability(p);
                assertThat(EffectStatistics.tQuantile(t, p)).as("df %s p %s", df, p)
                        .isCloseTo(expected, within(1e-10 * Math.max(1, Math.abs(expected))));
            }
        }
    }
}
