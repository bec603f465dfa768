package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.util.HtmlUtils;

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

    @Autowired
    KpiResultsRepository results;

    @Autowired
    KpiCatalog catalog;

    /** The API's rows newest partition first; rows of one date keep the API's key order (a stable sort). */
    private static List<JsonNode> newestFirst(JsonNode rows, String partition) {
        List<JsonNode> out = new ArrayList<>();
        rows.forEach(out::add);
        out.sort(Comparator.comparing((JsonNode r) -> r.get(partition).asString()).reversed());
        return out;
    }

    /** A stored value equals the API's JSON value: numbers by value, text, dates and booleans as text. */
    private static void assertSameValue(Object stored, JsonNode api, String what) {
        if (stored == null) {
            assertThat(api.isNull()).as(what).isTrue();
        } else if (stored instanceof Number n) {
            assertThat(n.doubleValue()).as(what).isEqualTo(api.asDouble());
        } else {
            assertThat(String.valueOf(stored)).as(what).isEqualTo(api.asString());
        }
    }

    @Test
    void thePageReadsOnePageOfTheApiRowsAndTheirCountFromTheStore() throws Exception {
        LocalDate from = YESTERDAY.minusDays(9);
        JsonNode api = json.readTree(get("/api/kpis/ab_segments?from=" + from + "&to=" + YESTERDAY).body())
                .get("rows");
        assertThat(api.size()).as("enough rows for three pages").isGreaterThan(200);
        KpiDefinition kpi = catalog.find("ab_segments").orElseThrow();
        assertThat(results.count(kpi, from, YESTERDAY)).isEqualTo(api.size());
        List<JsonNode> expected = newestFirst(api, kpi.partition()).subList(100, 200);
        List<Map<String, Object>> page2 = results.readPage(kpi, from, YESTERDAY, 100, 100);
        assertThat(page2).hasSize(100);
        for (int i = 0; i < 100; i++) {
            for (KpiDefinition.Column c : kpi.columns()) {
                assertSameValue(page2.get(i).get(c.name()), expected.get(i).get(c.name()), "row " + (101 + i) + " "
                        + c.name());
            }
        }
        // the page over HTTP: rows 101-200 of the count, the first of them first
        String html = get("/kpis/ab_segments?from=" + from + "&to=" + YESTERDAY + "&page=2").body();
        JsonNode row101 = expected.get(0);
        assertThat(html).contains("101–200").contains(String.format(java.util.Locale.ROOT, "%,d", api.size()))
                .contains("Page 2 of " + (api.size() + 99) / 100)
                .contains("<tbody><tr><td>" + row101.get("as_of_date").asString() + "</td><td>"
                        + HtmlUtils.htmlEscape(row101.get("experiment_id").asString()) + "</td><td>"
                        + HtmlUtils.htmlEscape(row101.get("segment").asString()) + "</td><td>"
                        + HtmlUtils.htmlEscape(row101.get("segment_value").asString()) + "</td><td>"
                        + HtmlUtils.htmlEscape(row101.get("variant").asString()) + "</td>");
    }

    @Test
    void theAbSegmentsChartIsTheApiRowsOfTrafficSourcesSummedOverTheArms() throws Exception {
        LocalDate from = YESTERDAY.minusDays(9);
        JsonNode api = json.readTree(get("/api/kpis/ab_segments?from=" + from + "&to=" + YESTERDAY).body())
                .get("rows");
        // summed here, over the API's rows: (date, experiment, traffic source) -> users, converters
        Map<List<String>, long[]> sums = new java.util.LinkedHashMap<>();
        int arms = 0;
        for (JsonNode r : api) {
            if (r.get("segment").asString().equals("traffic_source")) {
                long[] s = sums.computeIfAbsent(List.of(r.get("as_of_date").asString(),
                        r.get("experiment_id").asString(), r.get("segment_value").asString()), k -> new long[2]);
                s[0] += r.get("users").asLong();
                s[1] += r.get("converters").asLong();
                arms++;
            }
        }
        assertThat(arms).as("several arms per traffic source").isGreaterThan(sums.size());
        KpiDefinition kpi = catalog.find("ab_segments").orElseThrow();
        List<Map<String, Object>> chart = results.readChart(kpi, io.execkpi.kpi.page.KpiCharts.chartedColumns(kpi), from,
                YESTERDAY);
        // in the store's order of (date, experiment, traffic source): the dates ascend
        assertThat(chart).extracting(r -> String.valueOf(r.get("as_of_date"))).isSorted();
        assertThat(chart).extracting(r -> List.of(String.valueOf(r.get("as_of_date")),
                        String.valueOf(r.get("experiment_id")), String.valueOf(r.get("segment_value")),
                        r.get("users"), r.get("converters")))
                .containsExactlyInAnyOrderElementsOf(sums.entrySet().stream().map(e -> List.<Object>of(e.getKey().get(0),
                        e.getKey().get(1), e.getKey().get(2), e.getValue()[0], e.getValue()[1])).toList());
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
            "/api/kpis/revenue_daily?by=planet|400|Query parameter 'by' must be a dimension of revenue_daily",
            "/api/kpis/funnel_daily?by=country|400|KPI 'funnel_daily' has no dimensions: query parameter 'by'",
            "/api/kpis/revenue_daily?brand=A&by=category|400|Query parameter 'brand' cannot be combined with by=category",
            "/api/kpis/revenue_daily?country=Brasil&gender=Female|400|At most one dimension filter",
            "/api/kpis/revenue_daily?country=Brasil&by=country|400|filters the 'by' dimension itself",
            "/api/kpis/revenue_daily?country=|400|Query parameter 'country' needs a value",
            "/api/kpis/funnel_daily/summary|400|KPI 'funnel_daily' has no dimensions, so no summary",
            "/api/kpis/revenue_daily/summary?by=planet|400|Query parameter 'by' must be a dimension",
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

    private List<JsonNode> rowsOf(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        json.readTree(response.body()).get("rows").forEach(rows::add);
        return rows;
    }

    /** Σ of a column per date. */
    private static Map<String, Double> perDate(List<JsonNode> rows, String column) {
        Map<String, Double> out = new java.util.TreeMap<>();
        rows.forEach(r -> out.merge(r.get("date").asString(), r.get(column).asDouble(), Double::sum));
        return out;
    }

    @Test
    void breakdownsAreReadByDimensionAndByFilterAndAddUpToTheTotals() throws Exception {
        String range = "from=" + YESTERDAY.minusDays(6) + "&to=" + YESTERDAY;
        List<JsonNode> totals = rowsOf("/api/kpis/revenue_daily?" + range);
        Map<String, Double> revenue = perDate(totals, "revenue");
        Map<String, Double> orders = perDate(totals, "orders");
        JsonNode catalog = json.readTree(get("/api/kpis").body());
        List<String> dimensions = new ArrayList<>();
        for (JsonNode kpi : catalog) {
            if (kpi.get("name").asString().equals("revenue_daily")) {
                kpi.get("dimensions").forEach(d -> dimensions.add(d.get("name").asString()));
            }
        }
        assertThat(dimensions).containsExactly("country", "traffic_source", "age_band", "gender", "customer_type",
                "category", "department", "brand", "distribution_center");
        for (String dimension : dimensions) {
            List<JsonNode> rows = rowsOf("/api/kpis/revenue_daily?" + range + "&by=" + dimension);
            assertThat(rows).as(dimension).isNotEmpty().allSatisfy(r -> {
                assertThat(r.get(dimension).asString()).isNotBlank();
                // a ratio of the row's own sums
                assertThat(r.get("aov").asDouble()).isCloseTo(r.get("revenue").asDouble() / r.get("orders").asDouble(),
                        org.assertj.core.api.Assertions.within(1e-9));
            });
            // revenue adds up over every dimension (to the cent: the totals are rounded per day)
            perDate(rows, "revenue").forEach((date, sum) -> assertThat(sum).as(dimension + " " + date)
                    .isCloseTo(revenue.get(date), org.assertj.core.api.Assertions.within(0.006)));
            // orders add up over customer dimensions; over item dimensions an order can count in several values
            Map<String, Double> slicedOrders = perDate(rows, "orders");
            slicedOrders.forEach((date, sum) -> {
                if (List.of("category", "department", "brand", "distribution_center").contains(dimension)) {
                    assertThat(sum).as(dimension + " " + date).isGreaterThanOrEqualTo(orders.get(date));
                } else {
                    assertThat(sum).as(dimension + " " + date).isEqualTo(orders.get(date));
                }
            });
        }
        // a filter with a by: the slices of one country by category add up to that country's revenue
        List<JsonNode> byCountry = rowsOf("/api/kpis/revenue_daily?" + range + "&by=country");
        String country = byCountry.stream().max(Comparator.comparingDouble(r -> r.get("revenue").asDouble()))
                .orElseThrow().get("country").asString();
        Map<String, Double> countryRevenue = perDate(byCountry.stream()
                .filter(r -> r.get("country").asString().equals(country)).toList(), "revenue");
        List<JsonNode> filtered = rowsOf("/api/kpis/revenue_daily?" + range + "&country="
                + java.net.URLEncoder.encode(country, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(perDate(filtered, "revenue")).isEqualTo(countryRevenue);
        List<JsonNode> pair = rowsOf("/api/kpis/revenue_daily?" + range + "&by=category&country="
                + java.net.URLEncoder.encode(country, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(pair).isNotEmpty().allSatisfy(r -> assertThat(r.get("country").asString()).isEqualTo(country));
        perDate(pair, "revenue").forEach((date, sum) -> assertThat(sum).as(date)
                .isCloseTo(countryRevenue.get(date), org.assertj.core.api.Assertions.within(1e-6)));
        // the same pair the other way round (stored once): traffic source rows of a customer type
        assertThat(rowsOf("/api/kpis/revenue_daily?" + range + "&by=country&customer_type=new")).isNotEmpty();
        // the CSV has the same rows
        HttpResponse<String> csv = get("/api/kpis/revenue_daily.csv?" + range + "&by=gender");
        assertThat(csv.body().lines().findFirst().orElseThrow()).isEqualTo("date,gender,orders,items,revenue,aov");
        assertThat(csv.body().lines().count() - 1).isEqualTo(rowsOf("/api/kpis/revenue_daily?" + range
                + "&by=gender").size());
    }

    @Test
    void aSummarySumsTheDaysAndDividesTheRatiosFromTheSums() throws Exception {
        String range = "from=" + YESTERDAY.minusDays(6) + "&to=" + YESTERDAY;
        List<JsonNode> daily = rowsOf("/api/kpis/revenue_daily?" + range + "&by=customer_type");
        List<JsonNode> summary = rowsOf("/api/kpis/revenue_daily/summary?" + range + "&by=customer_type");
        assertThat(summary).extracting(r -> r.get("customer_type").asString()).containsExactly("new", "returning");
        for (JsonNode row : summary) {
            String type = row.get("customer_type").asString();
            List<JsonNode> days = daily.stream().filter(r -> r.get("customer_type").asString().equals(type)).toList();
            double revenue = days.stream().mapToDouble(r -> r.get("revenue").asDouble()).sum();
            long orders = days.stream().mapToLong(r -> r.get("orders").asLong()).sum();
            assertThat(row.get("revenue").asDouble()).isCloseTo(revenue, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(row.get("orders").asLong()).isEqualTo(orders);
            assertThat(row.get("days").asInt()).isEqualTo(days.size());
            // AOV of the period = its revenue / its orders, not the mean of the daily AOVs
            assertThat(row.get("aov").asDouble()).isCloseTo(revenue / orders, org.assertj.core.api.Assertions.within(1e-9));
        }
        // without by: the period's total, which the daily totals (rounded to cents per day) match to the cent
        JsonNode total = rowsOf("/api/kpis/revenue_daily/summary?" + range).get(0);
        List<JsonNode> totals = rowsOf("/api/kpis/revenue_daily?" + range);
        double revenue = totals.stream().mapToDouble(r -> r.get("revenue").asDouble()).sum();
        assertThat(total.get("revenue").asDouble()).isCloseTo(revenue, org.assertj.core.api.Assertions.within(0.035));
        // a date without a completed order has no facts, hence no slice
        assertThat(total.get("days").asLong()).isEqualTo(totals.stream().filter(r -> r.get("orders").asLong() > 0)
                .count()).isPositive();
    }
}
