package io.execkpi.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The anomaly check's robust z-score against values worked out by hand from its formula. */
class AnomalyScoreTest {

    @Test
    void theMadIsScaledBy1Point4826() {
        // median 11; absolute deviations 1, 1, 0, 2, 2 -> MAD 1; scale max(1.4826, 0.55) = 1.4826; z = 3 / 1.4826
        AnomalyScore score = AnomalyScore.of(new double[] {10, 12, 11, 13, 9}, 14, false);
        assertThat(score.median()).isEqualTo(11);
        assertThat(score.scale()).isEqualTo(1.4826);
        assertThat(score.z()).isCloseTo(2.023472278, within(1e-9));
    }

    @Test
    void aHistoryThatNeverMovedHasAFivePercentFloor() {
        // MAD 0: scale 0.05 * 100 = 5; z = 10 / 5
        AnomalyScore score = AnomalyScore.of(new double[] {100, 100, 100, 100}, 110, false);
        assertThat(score.scale()).isEqualTo(5);
        assertThat(score.z()).isEqualTo(2);
        // an even history's median is the mean of the middle two: (100 + 104) / 2
        assertThat(AnomalyScore.of(new double[] {104, 100, 90, 120}, 0, false).median()).isEqualTo(102);
    }

    @Test
    void aCountHasItsPoissonNoiseAsAFloor() {
        // median 100: 5 % floor 5, sqrt(100) = 10 -> scale 10; z = 30 / 10 (not 30 / 5 as for a non-count)
        AnomalyScore count = AnomalyScore.of(new double[] {100, 100, 100, 100}, 130, true);
        assertThat(count.scale()).isEqualTo(10);
        assertThat(count.z()).isEqualTo(3);
        assertThat(AnomalyScore.of(new double[] {100, 100, 100, 100}, 130, false).z()).isEqualTo(6);
        // a count of 0 every week: scale at least 1, so 3 orders is z = 3, not "infinitely" unusual
        assertThat(AnomalyScore.of(new double[] {0, 0, 0}, 3, true).z()).isEqualTo(3);
    }

    @Test
    void noSpreadAtAllScoresTheMaximumUnlessTheValueIsTheMedian() {
        assertThat(AnomalyScore.of(new double[] {0, 0, 0}, 0.5, false).z()).isEqualTo(AnomalyScore.MAX);
        assertThat(AnomalyScore.of(new double[] {0, 0, 0}, 0, false).z()).isZero();
        // capped: 1e9 off a scale of 0.05
        assertThat(AnomalyScore.of(new double[] {1}, 1e9, false).z()).isEqualTo(AnomalyScore.MAX);
        assertThatThrownBy(() -> AnomalyScore.of(new double[0], 1, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
