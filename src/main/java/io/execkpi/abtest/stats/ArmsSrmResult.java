package io.execkpi.abtest.stats;

import java.util.List;

/**
 * Sample-ratio check over every configured arm, empty arms included (gbstats {@code check_srm}
 * in {@code packages/stats/gbstats/utils.py}).
 *
 * @param chiSquare Σ (observed − expected)² / expected over the arms with weight &gt; 0
 * @param pValue    upper tail of χ² with (arms − 1) degrees of freedom; 1 when there are no users at all
 * @param mismatch  {@code pValue < threshold}
 * @param threshold the level used for {@code mismatch}
 * @param emptyArms indexes (control = 0) of arms with 0 users: each one is flagged even when the
 *                  total is too small for the test to reach {@code threshold}
 * @param note      what is wrong (empty arms, no users), or {@code null}
 */
public record ArmsSrmResult(double chiSquare, double pValue, boolean mismatch, double threshold,
                            List<Integer> emptyArms, String note) {

    public ArmsSrmResult {
        emptyArms = List.copyOf(emptyArms);
    }

    /** True when at least one configured arm received no users. */
    public boolean hasEmptyArm() {
        return !emptyArms.isEmpty();
    }
}
