package io.execkpi.dashboard;

/**
 * Comparisons of the overview's headline numbers ({@link io.execkpi.kpi.Headline} computes each period's value):
 * relative change, difference of shares, and why a year-earlier comparison is missing.
 */
public final class Tiles {

    private Tiles() {
    }

    /** Relative change {@code current / previous − 1} (share), null when either is missing or previous is 0. */
    public static Double relativeChange(Number current, Number previous) {
        if (current == null || previous == null || previous.doubleValue() == 0) {
            return null;
        }
        return current.doubleValue() / previous.doubleValue() - 1;
    }

    /** Difference of two shares ({@code current − previous}, in share units: 0.003 = 0.3 percentage points). */
    public static Double difference(Number current, Number previous) {
        return current == null || previous == null ? null : current.doubleValue() - previous.doubleValue();
    }

    /**
     * Why a tile has no year-earlier comparison, in words: when the year-earlier period starts before the first date
     * the start-up backfill materializes ({@code latest − (backfillDays − 1)}), the results store simply does not
     * reach back that far ("not materialized a year earlier (start-up backfills 90 days)"), whatever the warehouse
     * holds; otherwise those dates have no rows ("no data a year earlier").
     *
     * @param yearFrom     first date of the year-earlier period
     * @param latest       latest materialized business date (UTC)
     * @param backfillDays {@code execkpi.bootstrap.backfill-days}
     */
    public static String yearEarlierMissing(java.time.LocalDate yearFrom, java.time.LocalDate latest,
                                            int backfillDays) {
        return yearFrom.isBefore(latest.minusDays(backfillDays - 1L))
                ? "not materialized a year earlier (start-up backfills " + backfillDays + " days)"
                : "no data a year earlier";
    }
}
