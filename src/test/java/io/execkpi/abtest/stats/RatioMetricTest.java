package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Ratio metrics (revenue per order) by gbstats' {@code RatioStatistic}, against values worked out by hand from
 * its formulas with scipy.stats.t: per arm m̄ = Σm/n, d̄ = Σd/n, sample variances and covariance, delta-method
 * variance s²_m/d̄² − 2·cov·m̄/d̄³ + s²_d·m̄²/d̄⁴, then the Welch test on the ratios.
 */
class RatioMetricTest {

    /** Sums of a simulated sample (numpy, seed 7): 800 and 820 users, Poisson(0.8) orders of log-normal value. */
    static final SufficientStats CONTROL = SufficientStats.ratio("A", 800, 26014.23, 2255080.9907, 653, 1119,
            44495.71);
    static final SufficientStats TREATMENT = SufficientStats.ratio("B", 820, 28676.15, 2733568.2993, 680, 1302,
            53681.74);

    @Test
    void relativeAndAbsoluteLiftOfTheRatio() {
        // ratios 26014.23/653 = 39.838025, 28676.15/680 = 42.170809; per-unit variances 912.50588 and 925.77567;
        // Welch df 1617.5052
        assertThat(EffectStatistics.ratioVariance(CONTROL)).isCloseTo(912.5058837347, within(1e-8));
        assertThat(EffectStatistics.ratioVariance(TREATMENT)).isCloseTo(925.7756704940, within(1e-8));
        EffectComparison rel = EffectStatistics.compare(MetricKind.RATIO, CONTROL, TREATMENT, EffectOptions.defaults());
        assertThat(rel.lift().estimate()).isCloseTo(0.0585567269054, within(1e-11));
        assertThat(rel.lift().ciLow()).isCloseTo(-0.0178311439699, within(1e-10));
        assertThat(rel.lift().ciHigh()).isCloseTo(0.1349445977808, within(1e-10));
        assertThat(rel.lift().pValue()).isCloseTo(0.1328856181831, within(1e-10));
        assertThat(rel.lift().degreesOfFreedom()).isCloseTo(1617.5052146527, within(1e-7));
        EffectComparison abs = EffectStatistics.compare(MetricKind.RATIO, CONTROL, TREATMENT,
                new EffectOptions(0.05, Difference.ABSOLUTE, Correction.NONE, null));
        assertThat(abs.lift().estimate()).isCloseTo(2.3327843212, within(1e-9));
        assertThat(abs.lift().ciLow()).isCloseTo(-0.6221677355, within(1e-9));
        assertThat(abs.lift().ciHigh()).isCloseTo(5.2877363780, within(1e-9));
        assertThat(abs.lift().pValue()).isCloseTo(0.1217094845, within(1e-9));
    }

    @Test
    void aRatioNeedsItsDenominatorAndHasNoCuped() {
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.RATIO, SufficientStats.of("A", 10, 5, 10),
                TREATMENT, EffectOptions.defaults())).isInstanceOf(InvalidExperimentInputException.class)
                .hasMessageContaining("denominatorSum");
        assertThatThrownBy(() -> EffectStatistics.compare(MetricKind.RATIO,
                new SufficientStats("A", 800, 26014.23, 2255080.9907, 1.0, 1.0, 1.0, 653.0, 1119.0, 44495.71),
                TREATMENT, EffectOptions.defaults())).isInstanceOf(InvalidExperimentInputException.class)
                .hasMessageContaining("CUPED");
        // no orders in an arm: the ratio is undefined, not an error
        EffectComparison none = EffectStatistics.compare(MetricKind.RATIO, SufficientStats.ratio("A", 10, 0, 0, 0, 0, 0),
                TREATMENT, EffectOptions.defaults());
        assertThat(none.lift().defined()).isFalse();
    }
}
