package io.execkpi.dashboard;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The overview's headline numbers over a set of daily KPI rows (as {@code /api/kpis/{name}} returns them):
 * revenue and orders are sums over the days; AOV = Σ revenue / Σ orders (not the mean of daily AOVs); session
 * conversion = Σ purchase sessions / Σ sessions (a share 0..1, not the mean of daily rates). Undefined ratios
 * (no orders, no sessions) are null.
 */
public final class Tiles {

    private Tiles() {
    }

    /** Period totals of {@code revenue_daily} and {@code funnel_daily} rows. */
    public record Totals(double revenue, long orders, Double aov, long sessions, long purchaseSessions,
                         Double conversion) {
    }

    public static Totals totals(List<Map<String, Object>> revenueRows, List<Map<String, Object>> funnelRows) {
        double revenue = sum(revenueRows, "revenue");
        long orders = (long) sum(revenueRows, "orders");
        long sessions = (long) sum(funnelRows, "sessions");
        long purchases = (long) sum(funnelRows, "purchase_sessions");
        return new Totals(revenue, orders, orders == 0 ? null : revenue / orders, sessions, purchases,
                sessions == 0 ? null : (double) purchases / sessions);
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

    private static double sum(List<Map<String, Object>> rows, String column) {
        return rows.stream().map(r -> (Number) r.get(column)).filter(Objects::nonNull)
                .mapToDouble(Number::doubleValue).sum();
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
