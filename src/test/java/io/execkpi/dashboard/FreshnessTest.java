package io.execkpi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which date the pages call "data as of", and when it is stale, with KPIs an imported warehouse cannot compute. */
class FreshnessTest {

    static final LocalDate YESTERDAY = LocalDate.parse("2026-11-29");
    static final List<String> KPIS = List.of("revenue_daily", "funnel_daily", "retention_weekly");

    static Freshness of(Map<String, LocalDate> latest, Map<String, String> unavailable) {
        return Freshness.of(ZoneOffset.UTC, KPIS, latest, unavailable, YESTERDAY, null, false, List.of());
    }

    @Test
    void anUnavailableKpiIsNeitherTheAsOfDateNorStale() {
        // the import had no events file: funnel and retention were never materialized, revenue is up to date
        Freshness f = of(Map.of("revenue_daily", YESTERDAY), Map.of("funnel_daily", "no events file",
                "retention_weekly", "no events file"));
        assertThat(f.asOf()).isEqualTo(YESTERDAY);
        assertThat(f.stale()).isFalse();
        assertThat(f.unavailableSentence()).isEqualTo("funnel_daily, retention_weekly unavailable on this warehouse");
        assertThat(f.unavailableReasons()).isEqualTo("funnel_daily: no events file; retention_weekly: no events file");
    }

    @Test
    void anAvailableKpiWithoutDatesOrBehindMakesTheDataStale() {
        // funnel available but never materialized: nothing is "as of" a date yet
        Freshness never = of(Map.of("revenue_daily", YESTERDAY, "retention_weekly", YESTERDAY), Map.of());
        assertThat(never.asOf()).isNull();
        assertThat(never.stale()).isTrue();
        // the oldest of the KPIs' latest dates
        Freshness behind = of(Map.of("revenue_daily", YESTERDAY, "funnel_daily", YESTERDAY.minusDays(2),
                "retention_weekly", YESTERDAY), Map.of());
        assertThat(behind.asOf()).isEqualTo(YESTERDAY.minusDays(2));
        assertThat(behind.stale()).isTrue();
        assertThat(behind.unavailableSentence()).isEmpty();
        Freshness fresh = of(Map.of("revenue_daily", YESTERDAY, "funnel_daily", YESTERDAY,
                "retention_weekly", YESTERDAY), Map.of());
        assertThat(fresh.stale()).isFalse();
    }
}
