package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Reference values computed by running gbstats at growthbook/growthbook@8f1db44;
 * each must be reproduced to 1e-6 relative.
 */
class GbstatsReferenceTest {

    private static final double REL = 1e-6;

    private static final SufficientStats CUPED_CONTROL = new SufficientStats("A", 2500, 250497.94, 27356496.0848,
            250604.62, 27389429.4528, 27266078.6263);
    private static final SufficientStats CUPED_TREATMENT = new SufficientStats("B", 2600, 261108.32, 28560742.8998,
            257071.17, 27728012.7803, 28025944.9375);

    /** The sequential reference arms (n, Σy, Σy²), shared with tests that check them by hand. */
    static final SufficientStats SEQUENTIAL_CONTROL = SufficientStats.of("A", 3000, 1396.87, 52377.9767);
    static final SufficientStats SEQUENTIAL_TREATMENT = SufficientStats.of("B", 3461, 2422.7, 134698.29);

    static void close(Double actual, double expected) {
        assertThat(actual).isNotNull();
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * REL));
    }

    @Test
    void cupedRevenueRelativeLift() {
        EffectComparison c = EffectStatistics.compare(MetricKind.MEAN, CUPED_CONTROL, CUPED_TREATMENT,
                EffectOptions.defaults());
        close(c.theta(), 0.95270382);
        close(c.lift().estimate(), 0.015276629);
        close(c.lift().ciLow(), 0.010214372);
        close(c.lift().ciHigh(), 0.020338886);
        close(c.lift().pValue(), 3.5119896e-09);
        close(c.unadjusted().estimate(), 0.0022664949);
        close(c.unadjusted().ciLow(), -0.014207400);
        close(c.unadjusted().ciHigh(), 0.018740389);
        close(c.unadjusted().pValue(), 0.78738818);
        assertThat(c.fixedHorizon()).isNull();
        assertThat(c.note()).isNull();
        // the reduction is the one implied by the two intervals' widths (same df up to 0.1 %)
        double widthRatio = (0.020338886 - 0.010214372) / (0.018740389 + 0.014207400);
        assertThat(c.varianceReduction()).isCloseTo(1 - widthRatio * widthRatio, within(1e-3));
        assertThat(c.theta()).isEqualTo(EffectStatistics.pooledTheta(MetricKind.MEAN, CUPED_CONTROL, CUPED_TREATMENT));
    }

    @Test
    void sequentialRelativeLiftWithTuning1000() {
        EffectComparison c = EffectStatistics.compare(MetricKind.MEAN, SEQUENTIAL_CONTROL, SEQUENTIAL_TREATMENT,
                new EffectOptions(0.05, Difference.RELATIVE, Correction.HOLM, 1000.0));
        close(c.lift().estimate(), 0.50336109);
        close(c.lift().ciLow(), -0.55844051);
        close(c.lift().ciHigh(), 1.5651627);
        close(c.fixedHorizon().estimate(), 0.50336109);
        close(c.fixedHorizon().ciLow(), -0.15024480);
        close(c.fixedHorizon().ciHigh(), 1.1569670);
        close(c.fixedHorizon().pValue(), 0.13116526);
        assertThat(c.lift().degreesOfFreedom()).isNull();
        assertThat(c.unadjusted()).isNull();
        assertThat(c.theta()).isNull();
    }

    @Test
    void benjaminiHochbergAcrossTwoArms() {
        MetricInput metric = new MetricInput("orders", MetricKind.MEAN, SufficientStats.of("A", 2000, 20000, 260000),
                List.of(SufficientStats.of("B", 2000, 20900, 280000), SufficientStats.of("C", 2000, 20300, 265000)));
        ExperimentEffects e = EffectStatistics.evaluate(List.of(metric), null, AbStatistics.DEFAULT_SRM_THRESHOLD,
                new EffectOptions(0.05, Difference.RELATIVE, Correction.BH, null));
        EffectComparison b = e.metrics().get(0).variants().get(0);
        EffectComparison c = e.metrics().get(0).variants().get(1);
        close(b.lift().pValue(), 0.011652061);
        close(b.adjustedPValue(), 0.023304122);
        close(b.adjustedCiLow(), 0.0061188847);
        close(b.adjustedCiHigh(), 0.083881115);
        close(c.lift().pValue(), 0.38816190);
        close(c.adjustedPValue(), 0.38816190);
        assertThat(b.significant()).isTrue();
        assertThat(c.significant()).isFalse();
        // C's adjusted interval would be narrower than its own, so GrowthBook keeps its own
        assertThat(c.adjustedCiLow()).isEqualTo(c.lift().ciLow());
        assertThat(c.adjustedCiHigh()).isEqualTo(c.lift().ciHigh());
        assertThat(e.srm().pValue()).isEqualTo(1.0);
        assertThat(e.srm().hasEmptyArm()).isFalse();
    }
}
