package io.execkpi.thelook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.apache.commons.math3.distribution.GammaDistribution;
import org.junit.jupiter.api.Test;

/**
 * The generator's gamma sampler (the users' frailty and lifetime) against the gamma distribution of commons-math3:
 * mean 1, variance 1 / shape, and the empirical CDF at the distribution's quartiles and 1st and 99th percentiles.
 */
class RandTest {

    @Test
    void gammaMeanOneFollowsTheGammaDistribution() {
        for (double shape : new double[] {0.25, 3}) {
            SplittableRandom r = Rand.stream(1, 999, (long) (shape * 100));
            int n = 200_000;
            double[] x = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                x[i] = Rand.gammaMeanOne(r, shape);
                assertThat(x[i]).isPositive();
                sum += x[i];
            }
            double mean = sum / n;
            double squares = 0;
            for (double v : x) {
                squares += (v - mean) * (v - mean);
            }
            double variance = squares / (n - 1);
            // standard errors at shape 0.25: mean 0.0045, variance ≈ 0.046 (excess kurtosis 6 / shape = 24)
            assertThat(mean).as("mean at shape %s", shape).isCloseTo(1.0, within(0.02));
            assertThat(variance).as("variance at shape %s", shape).isCloseTo(1 / shape, within(0.05 / shape));
            GammaDistribution reference = new GammaDistribution(shape, 1 / shape);
            for (double p : new double[] {0.01, 0.25, 0.5, 0.75, 0.99}) {
                double q = reference.inverseCumulativeProbability(p);
                long below = java.util.Arrays.stream(x).filter(v -> v <= q).count();
                // binomial standard error at n = 200,000 is at most 0.0011
                assertThat((double) below / n).as("P(X <= %s) at shape %s", q, shape).isCloseTo(p, within(0.006));
            }
        }
    }
}
