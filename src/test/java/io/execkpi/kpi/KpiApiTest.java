package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;

/**
 * The default start-up (generate the warehouse, backfill the KPIs) followed by the read API over real HTTP,
 * including every bad-input case as an RFC 9457 problem.
 */
class KpiApiTest extends AppTestBase {

    @Autowired
    JdbcTemplate store;

    @Test
    void catalogListsEveryKpiWithItsColumnsAndLatestDate() throws Exception {
        HttpResponse<String> response = get("/api/kpis");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode kpis = json.readTree(response.body());
        assertThat(kpis.findValuesAsString("name")).contains("revenue_daily", "funnel_daily", "retention_weekly",
                "ab_metrics");
        for (JsonNode kpi : kpis) {
            assertThat(kpi.get("latestDate").asString()).as(kpi.get("name").asString()).isEqualTo(YESTERDAY.toString());
            assertThat(kpi.get("description").asString()).isNotBlank();
            assertThat(kpi.get("columns").size()).isGreaterThan(2);
        }
    }

    @Autowired
    KpiProperties properties;

    @Test
    void kpiRowsDefaultToTheConfiguredNumberOfDaysUpToTheLatestOrderedByKey() throws Exception {
        int days = properties.defaultRangeDays();
        HttpResponse<String> response = get("/api/kpis/revenue_daily");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("kpi").asString()).isEqualTo("revenue_daily");
        assertThat(body.get("columns").toString()).isEqualTo("[\"date\",\"orders\",\"items\",\"revenue\",\"aov\"]");
        JsonNode rows = body.get("rows");
        assertThat(rows.size()).isEqualTo(days);
        for (int i = 0; i < days; i++) {
            assertThat(rows.get(i).get("date").asString()).isEqualTo(YESTERDAY.minusDays(days - 1 - i).toString());
        }
        // the API serves exactly what the job stored
        long storedOrders = store.queryForObject("SELECT SUM(orders) FROM kpi_revenue_daily WHERE date >= ?",
                Long.class, YESTERDAY.minusDays(days - 1));
        long servedOrders = 0;
        for (JsonNode row : rows) {
            servedOrders += row.get("orders").asLong();
        }
        assertThat(servedOrders).isEqualTo(storedOrders).isPositive();
    }

    @Test
    void explicitRangeAndEveryKpiIsServed() throws Exception {
        String from = YESTERDAY.minusDays(6).toString();
        for (String kpi : new String[] {"revenue_daily", "funnel_daily", "ab_metrics"}) {
            HttpResponse<String> response = get("/api/kpis/" + kpi + "?from=" + from + "&to=" + YESTERDAY);
            assertThat(response.statusCode()).as(kpi).isEqualTo(200);
            assertThat(json.readTree(response.body()).get("rows").size()).as(kpi).isPositive();
        }
        HttpResponse<String> retention = get("/api/kpis/retention_weekly?from=" + YESTERDAY.minusDays(60) + "&to="
                + YESTERDAY);
        JsonNode rows = json.readTree(retention.body()).get("rows");
        assertThat(rows.size()).isPositive();
        assertThat(rows.get(0).get("week_n").asInt()).isZero();
    }

    @Autowired
    org.springframework.context.ApplicationEventPublisher events;

    @Test
    void readsAreServedFromMemoryUntilAJobEnds() throws Exception {
        String path = "/api/kpis/revenue_daily?from=" + YESTERDAY.minusDays(3) + "&to=" + YESTERDAY.minusDays(3);
        long before = json.readTree(get(path).body()).get("rows").get(0).get("orders").asLong();
        // another process rewrites the row; this process has not run a job yet: the cached read stands
        store.update("UPDATE kpi_revenue_daily SET orders = orders + 1000 WHERE date = ?", YESTERDAY.minusDays(3));
        try {
            assertThat(json.readTree(get(path).body()).get("rows").get(0).get("orders").asLong()).isEqualTo(before);
            events.publishEvent(new io.execkpi.jobs.JobEndedEvent("kpiJob", 0, "COMPLETED"));
            assertThat(json.readTree(get(path).body()).get("rows").get(0).get("orders").asLong())
                    .isEqualTo(before + 1000);
        } finally {
            store.update("UPDATE kpi_revenue_daily SET orders = orders - 1000 WHERE date = ?", YESTERDAY.minusDays(3));
            events.publishEvent(new io.execkpi.jobs.JobEndedEvent("kpiJob", 0, "COMPLETED"));
        }
    }

    @Test
    void readsCarryAnETagAndAnswer304WhileUnchanged() throws Exception {
        HttpResponse<String> first = get("/api/kpis/revenue_daily");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        HttpResponse<String> again = send(java.net.http.HttpRequest.newBuilder(uri("/api/kpis/revenue_daily"))
                .header("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> other = send(java.net.http.HttpRequest.newBuilder(uri("/api/kpis/funnel_daily"))
                .header("If-None-Match", etag));
        assertThat(other.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "/api/kpis/no_such_kpi|404|Unknown KPI 'no_such_kpi'",
            "/api/kpis/revenue_daily?from=2025-13-01|400|'from' must be a date",
            "/api/kpis/revenue_daily?to=yesterday|400|'to' must be a date",
            "/api/kpis/revenue_daily?from=2025-03-02&to=2025-03-01|400|is after 'to'",
            "/api/kpis/revenue_daily?from=2020-01-01&to=2025-03-01|400|at most 400 days",
            "/api/kpis/revenue_daily.sql|404|Unknown KPI",
            "/api/nothing-here|404|",
    })
    void badInputIsAProblemDetail(String path, int status, String detail) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        if (detail != null && !detail.isEmpty()) {
            assertThat(problem.get("detail").asString()).contains(detail);
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.execkpi");
    }
}
