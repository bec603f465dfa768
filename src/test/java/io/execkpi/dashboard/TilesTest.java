package io.execkpi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.kpi.Headline;
import io.execkpi.kpi.KpiCatalog;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.FileSystemResource;

/** The overview's headline numbers against values worked out by hand. */
class TilesTest {

    private static Map<String, Object> revenue(long orders, double revenue) {
        Map<String, Object> row = new HashMap<>();
        row.put("orders", orders);
        row.put("revenue", revenue);
        row.put("aov", orders == 0 ? null : revenue / orders);
        return row;
    }

    private static Map<String, Object> funnel(long sessions, long purchases) {
        return Map.of("sessions", sessions, "purchase_sessions", purchases);
    }

    /** The catalog's headline titled {@code title} (jobs/kpis.yml, section overview). */
    private static Headline headline(String title) {
        return KpiCatalog.load(new FileSystemResource("jobs/kpis.yml")).overview().stream()
                .filter(h -> h.title().equals(title)).findFirst().orElseThrow();
    }

    @Test
    void aovAndConversionAreRatiosOfSumsNotMeansOfDailyRatios() {
        // day 1: 1 order of $100; day 2: 3 orders, $60 in all; day 3: no order
        // AOV = 160 / 4 = 40 (the mean of daily AOVs would be (100 + 20) / 2 = 60)
        // conversion = (1 + 9 + 0) / (10 + 90 + 100) = 0.05 (the mean of daily rates would be 0.0667)
        List<Map<String, Object>> revenue = List.of(revenue(1, 100.0), revenue(3, 60.0), revenue(0, 0.0));
        List<Map<String, Object>> funnel = List.of(funnel(10, 1), funnel(90, 9), funnel(100, 0));
        assertThat(headline("Revenue").value(revenue)).isCloseTo(160.0, within(1e-12));
        assertThat(headline("Orders").value(revenue)).isEqualTo(4.0);
        assertThat(headline("Average order value").value(revenue)).isCloseTo(40.0, within(1e-12));
        assertThat(headline("Session conversion").value(funnel)).isCloseTo(0.05, within(1e-12));
        assertThat(headline("Session conversion").changeInPoints()).isTrue();
        assertThat(headline("Revenue").changeInPoints()).isFalse();
        assertThat(headline("Average order value").formula())
                .isEqualTo("Σ revenue / Σ orders of revenue_daily over the period's days (a ratio of sums, not the"
                        + " mean of the daily aov)");
        assertThat(headline("Average order value").dailyColumn()).isEqualTo("aov");
        assertThat(headline("Orders").dailyColumn()).isEqualTo("orders");
    }

    @Test
    void undefinedRatiosAreNull() {
        assertThat(headline("Average order value").value(List.of(revenue(0, 0.0)))).isNull();
        assertThat(headline("Session conversion").value(List.of(funnel(0, 0)))).isNull();
        assertThat(headline("Revenue").value(List.of())).isEqualTo(0.0);
        assertThat(Tiles.relativeChange(5, 0)).isNull();
        assertThat(Tiles.relativeChange(null, 3)).isNull();
        assertThat(Tiles.difference(0.05, null)).isNull();
    }

    @Test
    void changesAreRelativeForAmountsAndInPointsForShares() {
        assertThat(Tiles.relativeChange(123.0, 100.0)).isCloseTo(0.23, within(1e-12));
        assertThat(Tiles.relativeChange(75, 100)).isCloseTo(-0.25, within(1e-12));
        assertThat(Tiles.difference(0.053, 0.05)).isCloseTo(0.003, within(1e-12));
    }

    @Test
    void aMissingYearEarlierBeforeTheBackfillWindowIsSaidToBeNotMaterialized() {
        java.time.LocalDate latest = java.time.LocalDate.parse("2026-11-29");
        // a 90-day backfill materializes 2026-09-01 .. 2026-11-29 (90 dates): 2025-10-31 lies before it
        assertThat(Tiles.yearEarlierMissing(java.time.LocalDate.parse("2025-10-31"), latest, 90))
                .isEqualTo("not materialized a year earlier (start-up backfills 90 days)");
        // with 3 years backfilled the year-earlier dates were in the window: they have no data
        assertThat(Tiles.yearEarlierMissing(java.time.LocalDate.parse("2025-10-31"), latest, 1095))
                .isEqualTo("no data a year earlier");
        // the window's first date itself is inside it
        assertThat(Tiles.yearEarlierMissing(java.time.LocalDate.parse("2026-09-01"), latest, 90))
                .isEqualTo("no data a year earlier");
        assertThat(Tiles.yearEarlierMissing(java.time.LocalDate.parse("2026-08-31"), latest, 90))
                .startsWith("not materialized");
    }
}
