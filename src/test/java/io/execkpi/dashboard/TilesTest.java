package io.execkpi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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

    @Test
    void aovAndConversionAreRatiosOfSumsNotMeansOfDailyRatios() {
        // day 1: 1 order of $100; day 2: 3 orders, $60 in all; day 3: no order
        // AOV = 160 / 4 = 40 (the mean of daily AOVs would be (100 + 20) / 2 = 60)
        // conversion = (1 + 9) / (10 + 90) = 0.10 (the mean of daily rates would be (0.1 + 0.1) / 2 ... equal here,
        // so day 3 has 100 sessions and 0 purchases: 10 / 200 = 0.05, the mean of daily rates 0.0667)
        Tiles.Totals t = Tiles.totals(List.of(revenue(1, 100.0), revenue(3, 60.0), revenue(0, 0.0)),
                List.of(funnel(10, 1), funnel(90, 9), funnel(100, 0)));
        assertThat(t.revenue()).isCloseTo(160.0, within(1e-12));
        assertThat(t.orders()).isEqualTo(4);
        assertThat(t.aov()).isCloseTo(40.0, within(1e-12));
        assertThat(t.sessions()).isEqualTo(200);
        assertThat(t.purchaseSessions()).isEqualTo(10);
        assertThat(t.conversion()).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void undefinedRatiosAreNull() {
        Tiles.Totals t = Tiles.totals(List.of(revenue(0, 0.0)), List.of(funnel(0, 0)));
        assertThat(t.aov()).isNull();
        assertThat(t.conversion()).isNull();
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
