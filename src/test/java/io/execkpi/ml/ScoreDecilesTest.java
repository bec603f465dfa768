package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import io.execkpi.ml.features.FeatureTable;

import org.junit.jupiter.api.Test;

/**
 * {@link MlSteps#deciles}: decile 1 holds the highest propensities, equal propensities are ordered by user id
 * (ascending), and the user at 0-based rank r of n gets decile 1 + ⌊10·r / n⌋. Every expected decile below is worked
 * out by hand from that rule.
 */
class ScoreDecilesTest {

    /** A feature table of these user ids (ascending, as extracted); labels, flags and values do not matter here. */
    static FeatureTable table(long... userIds) {
        int n = userIds.length;
        return new FeatureTable(userIds, new int[n], new boolean[n], new double[n][0]);
    }

    static MlScoresRepository.Score score(long userId, double propensity, int decile) {
        return new MlScoresRepository.Score(userId, propensity, decile);
    }

    @Test
    void twelveScoredUsersWithTiesAcrossDecileBoundaries() {
        // 14 users; ids 40 and 100 (rows 3 and 9) are not scored (inactive)
        FeatureTable table = table(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140);
        int[] rows = {0, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13};
        double[] p = {0.30, 0.90, 0.55, 0.55, 0.10, 0.90, 0.55, 0.05, 0.70, 0.30, 0.99, 0.20};
        //          id 10   20    30    50    60    70    80    90    110   120   130   140
        //
        // n = 12, decile = 1 + floor(10 r / 12):
        // r   0    1    2    3    4    5    6    7    8    9    10   11
        // d   1    1    2    3    4    5    6    6    7    8    9    10
        // by propensity (descending), ties by id (ascending):
        //   0.99 → 130 | 0.90 → 20, 70 | 0.70 → 110 | 0.55 → 30, 50, 80 | 0.30 → 10, 120 | 0.20 → 140 |
        //   0.10 → 60 | 0.05 → 90
        // so the tie at 0.90 is split by id across deciles 1 and 2, the one at 0.55 across 4, 5 and 6, the one at
        // 0.30 across 6 and 7.
        assertThat(MlSteps.deciles(table, rows, p)).containsExactly(
                score(130, 0.99, 1),
                score(20, 0.90, 1),
                score(70, 0.90, 2),
                score(110, 0.70, 3),
                score(30, 0.55, 4),
                score(50, 0.55, 5),
                score(80, 0.55, 6),
                score(10, 0.30, 6),
                score(120, 0.30, 7),
                score(140, 0.20, 8),
                score(60, 0.10, 9),
                score(90, 0.05, 10));
    }

    @Test
    void allEqualScoresAreRankedByUserIdWhateverTheRowOrder() {
        // 25 users, every propensity 0.4, rows given in descending id order: ranks follow ascending ids.
        // decile = 1 + floor(10 r / 25) = 1 + floor(2 r / 5): r 0-2 → 1, 3-4 → 2, 5-7 → 3, 8-9 → 4, 10-12 → 5,
        // 13-14 → 6, 15-17 → 7, 18-19 → 8, 20-22 → 9, 23-24 → 10 (3 and 2 users in turn)
        long[] ids = IntStream.rangeClosed(1, 25).mapToLong(i -> 1000L + i).toArray();
        int[] rows = IntStream.range(0, 25).map(i -> 24 - i).toArray();
        double[] p = new double[25];
        java.util.Arrays.fill(p, 0.4);
        List<MlScoresRepository.Score> scores = MlSteps.deciles(table(ids), rows, p);
        assertThat(scores).extracting(MlScoresRepository.Score::userId)
                .containsExactly(IntStream.rangeClosed(1, 25).mapToObj(i -> 1000L + i).toArray(Long[]::new));
        assertThat(scores).extracting(MlScoresRepository.Score::decile)
                .containsExactly(1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 7, 8, 8, 9, 9, 9, 10, 10);
    }

    @Test
    void tenUsersGetOneDecileEachAndFewerUsersLeaveDecilesEmpty() {
        long[] ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] ascending = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10};
        assertThat(MlSteps.deciles(table(ids), IntStream.range(0, 10).toArray(), ascending))
                .extracting(s -> s.userId() + ":" + s.decile())
                .containsExactly("10:1", "9:2", "8:3", "7:4", "6:5", "5:6", "4:7", "3:8", "2:9", "1:10");
        // n = 3: r 0 → 1 + 0 = 1, r 1 → 1 + floor(10/3) = 4, r 2 → 1 + floor(20/3) = 7
        assertThat(MlSteps.deciles(table(7, 8, 9), new int[] {0, 1, 2}, new double[] {0.2, 0.9, 0.5}))
                .containsExactly(score(8, 0.9, 1), score(9, 0.5, 4), score(7, 0.2, 7));
        assertThat(MlSteps.deciles(table(7), new int[0], new double[0])).isEmpty();
    }
}
