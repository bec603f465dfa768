package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;

/** Risk and chance to win against integrals of the normal density computed here by Simpson's rule. */
class RiskTest {

    /** Composite Simpson over [a, b] with an even number of intervals. */
    private static double simpson(DoubleUnaryOperator f, double a, double b, int intervals) {
        double h = (b - a) / intervals;
        double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < intervals; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        }
        return sum * h / 3;
    }

    private static DoubleUnaryOperator density(double mu, double sigma) {
        return x -> Math.exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / (sigma * Math.sqrt(2 * Math.PI));
    }

    @Test
    void riskIsTheExpectedLossIntegral() {
        double[][] cases = {{0.02, 0.015}, {-0.03, 0.01}, {0.0, 0.2}, {0.5, 0.05}, {-1.2, 3.0}};
        for (double[] c : cases) {
            double mu = c[0];
            double sigma = c[1];
            DoubleUnaryOperator f = density(mu, sigma);
            double lossTreatment = simpson(x -> -x * f.applyAsDouble(x), mu - 14 * sigma, 0, 200_000);
            double lossControl = simpson(x -> x * f.applyAsDouble(x), 0, mu + 14 * sigma, 200_000);
            double[] risk = EffectStatistics.risk(mu, sigma);
            double scale = Math.max(1e-300, sigma);
            assertThat(risk[1]).as("risk of shipping, mu=%s", mu).isCloseTo(Math.max(0, lossTreatment),
                    within(1e-9 * scale));
            assertThat(risk[0]).as("risk of control, mu=%s", mu).isCloseTo(Math.max(0, lossControl),
                    within(1e-9 * scale));
            double win = simpson(f, 0, mu + 14 * sigma, 200_000);
            assertThat(EffectStatistics.chanceToWin(mu, sigma)).isCloseTo(Math.max(0, win), within(1e-9));
        }
    }

    @Test
    void risksDifferByTheMean() {
        // E[max(0, δ)] − E[max(0, −δ)] = E[δ] = μ
        double[] r = EffectStatistics.risk(0.013, 0.004);
        assertThat(r[0] - r[1]).isCloseTo(0.013, within(1e-15));
        // symmetric around 0: both equal σ/√(2π)
        double[] s = EffectStatistics.risk(0, 0.3);
        assertThat(s[0]).isCloseTo(0.3 / Math.sqrt(2 * Math.PI), within(1e-15));
        assertThat(s[1]).isEqualTo(s[0]);
    }

    @Test
    void comparisonCarriesRiskOfItsLift() {
        EffectComparison c = EffectStatistics.compare(MetricKind.MEAN, GbstatsReferenceTest.SEQUENTIAL_CONTROL,
                GbstatsReferenceTest.SEQUENTIAL_TREATMENT, EffectOptions.defaults());
        double mu = c.lift().estimate();
        double sigma = c.lift().standardError();
        DoubleUnaryOperator f = density(mu, sigma);
        assertThat(c.risk()).isCloseTo(simpson(x -> -x * f.applyAsDouble(x), mu - 14 * sigma, 0, 200_000),
                within(1e-9));
        assertThat(c.chanceToWin()).isCloseTo(simpson(f, 0, mu + 14 * sigma, 200_000), within(1e-9));
        assertThat(c.riskControl() - c.risk()).isCloseTo(mu, within(1e-12));
    }
}
