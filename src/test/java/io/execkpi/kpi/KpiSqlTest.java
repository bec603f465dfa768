package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static io.execkpi.warehouse.FixtureTables.ts;

import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.execkpi.warehouse.FixtureTables;
import io.execkpi.warehouse.JdbcWarehouse;
import io.execkpi.warehouse.SqlFiles;
import io.execkpi.warehouse.Warehouse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Every KPI query of sql/duckdb against a tiny warehouse written here by hand; expected values are computed by hand in
 * the comments (not by running the code). The fixture includes the traps a naive query falls into: cancelled and
 * shipped orders, several items per order, an order placed before an experiment assignment, a session crossing
 * midnight, sessions landing mid-funnel, weeks without activity and activity after the as-of date, a Sunday-night
 * signup, an order in the last microsecond of a day, empty days and an experiment whose arms get no user.
 * {@code BigQueryKpiSqlTest} runs the same tests on the same fixture against {@code sql/bigquery}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KpiSqlTest {

    Warehouse warehouse;

    /**
     * The fixture, written once for both dialects (this DuckDB test and {@code BigQueryKpiSqlTest}). Beyond the traps
     * above: u4 signs up on Sunday night 2025-01-12 23:30 (ISO week of Monday 2025-01-06) and is first active on
     * Monday 2025-01-13 00:15 (its week 1); order 7 of u2 is completed at 2025-01-07 23:59:59.999999 UTC (the last
     * microsecond of 01-07) and order 8 of u1 at 2025-01-08 00:00 UTC (the first of 01-08; still 01-07 in any zone
     * west of UTC); 2025-01-05 has no order and 2025-01-08 no event (empty days).
     */
    static FixtureTables fixtureTables() {
        FixtureTables t = new FixtureTables();
        // users: u1 and u2 sign up in the week of Monday 2025-01-06, u3 in the week of Monday 2025-01-13; u4 on
        // Sunday night 2025-01-12, still in the week of Monday 2025-01-06
        // countries and browsers (of the sessions below) only for ab_segments
        t.rows("users", "id, gender, traffic_source, country, created_at",
                row(1, "F", "Search", "Brasil", ts("2025-01-06 10:00:00")),
                row(2, "M", "Email", "Brasil", ts("2025-01-06 08:00:00")),
                row(3, "F", "Organic", "China", ts("2025-01-13 12:00:00")),
                row(4, "M", "Facebook", null, ts("2025-01-12 23:30:00")));
        t.rows("orders", "order_id, user_id, status, created_at, num_of_item",
                row(1, 1, "Complete", ts("2025-01-06 11:00:00"), 2),
                row(2, 2, "Complete", ts("2025-01-06 23:59:59"), 1),
                row(3, 1, "Cancelled", ts("2025-01-06 12:00:00"), 1),
                row(4, 1, "Complete", ts("2025-01-08 08:00:00"), 3),
                row(5, 2, "Shipped", ts("2025-01-07 09:30:00"), 1),
                row(6, 3, "Complete", ts("2025-01-20 10:00:00"), 1),
                row(7, 2, "Complete", ts("2025-01-07 23:59:59.999999"), 1),
                row(8, 1, "Complete", ts("2025-01-08 00:00:00"), 1),
                // for ab_metrics' covariate and guardrails, on days that leave the other KPIs' checks unchanged
                // (after 01-09, and in weeks where their users are already active)
                row(9, 2, "Complete", ts("2025-01-15 10:00:00"), 1),
                row(10, 2, "Returned", ts("2025-01-16 10:00:00"), 1),
                row(11, 1, "Complete", ts("2025-01-21 10:00:00"), 1));
        t.rows("order_items", "id, order_id, user_id, product_id, status, created_at, sale_price",
                row(1, 1, 1, 1, "Complete", ts("2025-01-06 11:00:00"), 10.00),
                row(2, 1, 1, 2, "Complete", ts("2025-01-06 11:00:00"), 15.50),
                row(3, 2, 2, 3, "Complete", ts("2025-01-06 23:59:59"), 20.00),
                row(4, 3, 1, 4, "Cancelled", ts("2025-01-06 12:00:00"), 99.00),
                row(5, 4, 1, 5, "Complete", ts("2025-01-08 08:00:00"), 5.25),
                row(6, 4, 1, 6, "Complete", ts("2025-01-08 08:00:00"), 4.75),
                row(7, 4, 1, 7, "Complete", ts("2025-01-08 08:00:00"), 30.00),
                row(8, 5, 2, 8, "Shipped", ts("2025-01-07 09:30:00"), 12.00),
                row(9, 6, 3, 9, "Complete", ts("2025-01-20 10:00:00"), 40.00),
                row(10, 7, 2, 10, "Complete", ts("2025-01-07 23:59:59.999999"), 8.00),
                row(11, 8, 1, 11, "Complete", ts("2025-01-08 00:00:00"), 12.00),
                row(12, 9, 2, 12, "Complete", ts("2025-01-15 10:00:00"), 30.00),
                row(13, 10, 2, 13, "Returned", ts("2025-01-16 10:00:00"), 7.00),
                row(14, 11, 1, 14, "Complete", ts("2025-01-21 10:00:00"), 12.00));
        Object[][] events = {
                // s0: anonymous, starts 2025-01-05 23:30 and crosses midnight: dated 2025-01-05
                {null, "s0", "2025-01-05 23:30:00", "home"}, {null, "s0", "2025-01-06 00:05:00", "department"},
                // s1: u1 walks the whole funnel on 2025-01-06
                {1, "s1", "2025-01-06 10:00:00", "home"}, {1, "s1", "2025-01-06 10:01:00", "department"},
                {1, "s1", "2025-01-06 10:02:00", "product"}, {1, "s1", "2025-01-06 10:03:00", "cart"},
                {1, "s1", "2025-01-06 10:04:00", "purchase"},
                // s2: anonymous, stops at product on 2025-01-06
                {null, "s2", "2025-01-06 12:00:00", "home"}, {null, "s2", "2025-01-06 12:01:00", "department"},
                {null, "s2", "2025-01-06 12:02:00", "product"},
                // s3: anonymous, starts 2025-01-06 23:50 and crosses midnight: dated 2025-01-06
                {null, "s3", "2025-01-06 23:50:00", "home"}, {null, "s3", "2025-01-07 00:10:00", "department"},
                // s4: u2 lands on a product page on 2025-01-07 and adds to cart
                {2, "s4", "2025-01-07 09:00:00", "product"}, {2, "s4", "2025-01-07 09:01:00", "cart"},
                // s5: u1 only visits home on 2025-01-07
                {1, "s5", "2025-01-07 10:00:00", "home"},
                // later activity for retention: u2 in its week 1, u1 in its week 2, u3 in week 0 and after the as-of
                {2, "s6", "2025-01-14 09:00:00", "home"},
                {1, "s7", "2025-01-20 09:00:00", "home"},
                {3, "s8", "2025-01-13 12:00:00", "home"},
                {3, "s9", "2025-01-29 12:00:00", "home"},
                // u4 (signed up Sunday night) is first active on Monday 00:15: week 1 of cohort 2025-01-06
                {4, "s10", "2025-01-13 00:15:00", "home"},
                // u2 again on Sunday 2025-01-19 23:00: still its week 1 (a Sunday-based week count would say 2)
                {2, "s11", "2025-01-19 23:00:00", "home"},
        };
        // browsers: u2's first session s4 on Safari; u1's first s1 on Chrome, its later s5 on Firefox; u3's first s8 on
        // Firefox; every other session on Chrome
        Map<String, String> browsers = Map.of("s4", "Safari", "s5", "Firefox", "s8", "Firefox");
        Object[][] eventRows = new Object[events.length][];
        for (int i = 0; i < events.length; i++) {
            Object[] e = events[i];
            eventRows[i] = row(i + 1, e[0], i + 1, e[1], ts((String) e[2]), e[3],
                    browsers.getOrDefault((String) e[1], "Chrome"));
        }
        t.rows("events", "id, user_id, sequence_number, session_id, created_at, event_type, browser", eventRows);
        t.rows("experiments", "experiment_id, name, start_date",
                row("exp1", "Experiment 1", d("2025-01-01")), row("exp2", "Experiment 2", d("2025-01-07")));
        // exp2's arms get no user before 01-09 (empty arms on 01-07 and 01-08)
        t.rows("experiment_variants", "experiment_id, variant, weight, is_control",
                row("exp1", "control", 1.0, true), row("exp1", "treatment", 1.0, false),
                row("exp2", "a", 2.0, true), row("exp2", "b", 1.0, false));
        t.rows("assignments", "user_id, experiment_id, variant, assigned_at",
                row(1, "exp1", "control", ts("2025-01-06 10:30:00")),
                row(2, "exp1", "treatment", ts("2025-01-07 00:00:00")),
                row(3, "exp1", "treatment", ts("2025-01-13 12:00:00")),
                row(1, "exp2", "a", ts("2025-01-09 09:00:00")),
                row(2, "exp2", "b", ts("2025-01-10 00:00:00")));
        return t;
    }

    static Object[] row(Object... values) {
        return values;
    }

    @BeforeAll
    void fixture() throws Exception {
        warehouse = warehouseOf(fixtureTables());
    }

    /** The warehouse under test holding the given rows: here an in-memory DuckDB with {@code sql/duckdb}. */
    Warehouse warehouseOf(FixtureTables tables) throws Exception {
        return duckDb(tables);
    }

    /** An in-memory DuckDB warehouse with the thelook schema, {@code tables}' rows and the queries of sql/duckdb. */
    static Warehouse duckDb(FixtureTables tables) throws Exception {
        // one in-memory DuckDB connection for every query
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:", true);
        Connection c = ds.getConnection();
        ScriptUtils.executeSqlScript(c, new ClassPathResource("thelook/schema.sql"));
        tables.insertInto(new JdbcTemplate(ds));
        return new JdbcWarehouse(ds, new SqlFiles(new DefaultResourceLoader(), "file:sql/", "duckdb"), 100);
    }

    List<Map<String, Object>> run(String kpi, LocalDate from, LocalDate to) {
        // capped_from as the job passes it when yesterday is the run's last date: the last 7 as-of dates
        return run(kpi, from, to, to.minusDays(6));
    }

    /** A run whose yesterday is {@code cappedFrom} + 6 days (the job's {@code :capped_from}), not necessarily {@code to}. */
    List<Map<String, Object>> run(String kpi, LocalDate from, LocalDate to, LocalDate cappedFrom) {
        KpiDefinition.Grain grain = switch (kpi) {
            case "retention_weekly" -> KpiDefinition.Grain.WEEKLY_COHORT;
            case "ab_metrics", "ab_segments" -> KpiDefinition.Grain.SNAPSHOT;
            default -> KpiDefinition.Grain.DAILY;
        };
        List<Map<String, Object>> rows = new ArrayList<>();
        warehouse.query(kpi, Map.of("from", from, "to", to, "partition_from", grain.partitionFrom(from),
                "partition_to", grain.partitionTo(to), "capped_from", cappedFrom), rows::add);
        return rows;
    }

    static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }

    @Test
    void revenueCountsDistinctCompletedOrdersAndZeroFillsDays() {
        List<Map<String, Object>> rows = run("revenue_daily", d("2025-01-05"), d("2025-01-08"));
        assertThat(rows).extracting(r -> r.get("date")).containsExactly(d("2025-01-05"), d("2025-01-06"),
                d("2025-01-07"), d("2025-01-08"));
        // 01-05: nothing
        assertRevenue(rows.get(0), 0, 0, 0.0, null);
        // 01-06: orders 1 (10.00 + 15.50) and 2 (20.00) are complete; order 3 is cancelled -> 2 orders, 3 items,
        // revenue 45.50, aov 22.75
        assertRevenue(rows.get(1), 2, 3, 45.50, 22.75);
        // 01-07: order 5 is only shipped; order 7 (8.00) completed at 23:59:59.999999 is still 01-07
        assertRevenue(rows.get(2), 1, 1, 8.00, 8.00);
        // 01-08: order 4 with 5.25 + 4.75 + 30.00 and order 8 (12.00) at 00:00 -> 2 orders, 4 items, 52.00, aov 26.00
        assertRevenue(rows.get(3), 2, 4, 52.00, 26.00);
    }

    @Test
    void averageOrderValueRoundsHalfACentUp() throws Exception {
        // 133.95 over 2 orders is 66.975 exactly: 66.98 (rounding the double 66.974999… would give 66.97)
        FixtureTables t = new FixtureTables()
                .rows("orders", "order_id, user_id, status, created_at, num_of_item",
                        row(1, 1, "Complete", ts("2025-01-06 11:00:00"), 1),
                        row(2, 2, "Complete", ts("2025-01-06 12:00:00"), 2))
                .rows("order_items", "id, order_id, user_id, product_id, status, created_at, sale_price",
                        row(1, 1, 1, 1, "Complete", ts("2025-01-06 11:00:00"), 99.95),
                        row(2, 2, 2, 2, "Complete", ts("2025-01-06 12:00:00"), 20.00),
                        row(3, 2, 2, 3, "Complete", ts("2025-01-06 12:00:00"), 14.00));
        List<Map<String, Object>> rows = new ArrayList<>();
        warehouseOf(t).query("revenue_daily", Map.of("from", d("2025-01-06"), "to", d("2025-01-06")), rows::add);
        assertRevenue(rows.get(0), 2, 3, 133.95, 66.98);
    }

    @Test
    void revenueMonthTotalSumsTheCompletedItemsOfEachMonthInsideTheRange() throws Exception {
        // the reconciliation reference of revenue_daily over 2025-01-15..2025-02-10: January from the 15th, February
        // through the 10th, both ends to the microsecond, cancelled orders left out
        FixtureTables t = new FixtureTables()
                .rows("orders", "order_id, user_id, status, created_at, num_of_item",
                        row(1, 1, "Complete", ts("2025-01-14 23:59:59.999999"), 1),
                        row(2, 1, "Complete", ts("2025-01-15 00:00:00"), 2),
                        row(3, 2, "Cancelled", ts("2025-01-20 10:00:00"), 1),
                        row(4, 2, "Complete", ts("2025-01-31 23:59:59.999999"), 1),
                        row(5, 1, "Complete", ts("2025-02-01 00:00:00"), 1),
                        row(6, 2, "Complete", ts("2025-02-10 23:59:59.999999"), 1),
                        row(7, 2, "Complete", ts("2025-02-11 00:00:00"), 1))
                .rows("order_items", "id, order_id, user_id, product_id, status, created_at, sale_price",
                        row(1, 1, 1, 1, "Complete", ts("2025-01-14 23:59:59.999999"), 100.00),
                        row(2, 2, 1, 2, "Complete", ts("2025-01-15 00:00:00"), 10.25),
                        row(3, 2, 1, 3, "Complete", ts("2025-01-15 00:00:00"), 4.50),
                        row(4, 3, 2, 4, "Cancelled", ts("2025-01-20 10:00:00"), 50.00),
                        row(5, 4, 2, 5, "Complete", ts("2025-01-31 23:59:59.999999"), 7.00),
                        row(6, 5, 1, 6, "Complete", ts("2025-02-01 00:00:00"), 3.00),
                        row(7, 6, 2, 7, "Complete", ts("2025-02-10 23:59:59.999999"), 20.00),
                        row(8, 7, 2, 8, "Complete", ts("2025-02-11 00:00:00"), 1000.00));
        List<Map<String, Object>> rows = new ArrayList<>();
        warehouseOf(t).query("revenue_month_total", Map.of("from", d("2025-01-15"), "to", d("2025-02-10")),
                rows::add);
        // January: items 2, 3 and 5: 10.25 + 4.50 + 7.00 = 21.75; February: items 6 and 7: 3.00 + 20.00 = 23.00
        assertThat(rows).extracting(r -> r.get("month")).containsExactly(d("2025-01-01"), d("2025-02-01"));
        assertThat(((Number) rows.get(0).get("total")).doubleValue()).isCloseTo(21.75, within(1e-9));
        assertThat(((Number) rows.get(1).get("total")).doubleValue()).isCloseTo(23.00, within(1e-9));
    }

    private static void assertRevenue(Map<String, Object> row, long orders, long items, double revenue, Double aov) {
        assertThat(((Number) row.get("orders")).longValue()).isEqualTo(orders);
        assertThat(((Number) row.get("items")).longValue()).isEqualTo(items);
        assertThat(((Number) row.get("revenue")).doubleValue()).isCloseTo(revenue, within(1e-9));
        if (aov == null) {
            assertThat(row.get("aov")).isNull();
        } else {
            assertThat(((Number) row.get("aov")).doubleValue()).isCloseTo(aov, within(1e-9));
        }
    }

    @Test
    void funnelDatesSessionsByFirstEventAndUsesTheRealStages() {
        List<Map<String, Object>> rows = run("funnel_daily", d("2025-01-06"), d("2025-01-07"));
        assertThat(rows).hasSize(2);
        // 01-06: s1, s2, s3 (s0 began on 01-05). home 3, department 3 (s1, s2, s3), product 2, cart 1, purchase 1
        Map<String, Object> jan6 = rows.get(0);
        assertThat(jan6.get("date")).isEqualTo(d("2025-01-06"));
        assertCounts(jan6, 3, 3, 3, 2, 1, 1);
        assertRate(jan6, "home_to_department", 1.0);
        assertRate(jan6, "department_to_product", 2.0 / 3);
        assertRate(jan6, "product_to_cart", 0.5);
        assertRate(jan6, "cart_to_purchase", 1.0);
        assertRate(jan6, "session_conversion", 1.0 / 3);
        // 01-07: s4 (product, cart) and s5 (home): no department -> department_to_product undefined
        Map<String, Object> jan7 = rows.get(1);
        assertCounts(jan7, 2, 1, 0, 1, 1, 0);
        assertRate(jan7, "home_to_department", 0.0);
        assertThat(jan7.get("department_to_product")).isNull();
        assertRate(jan7, "product_to_cart", 1.0);
        assertRate(jan7, "cart_to_purchase", 0.0);
        assertRate(jan7, "session_conversion", 0.0);
    }

    @Test
    void ordersAreDatedByTheirUtcDayToTheMicrosecond() {
        // order 7 at 2025-01-07 23:59:59.999999 is in 01-07 alone; order 8 at 2025-01-08 00:00 in 01-08 alone
        assertRevenue(run("revenue_daily", d("2025-01-07"), d("2025-01-07")).get(0), 1, 1, 8.00, 8.00);
        assertRevenue(run("revenue_daily", d("2025-01-08"), d("2025-01-08")).get(0), 2, 4, 52.00, 26.00);
    }

    @Test
    void funnelZeroFillsAnEmptyDayWithUndefinedRates() {
        // no event on 2025-01-08 (s3 ended 01-07 00:10, s6 is on 01-14)
        List<Map<String, Object>> rows = run("funnel_daily", d("2025-01-08"), d("2025-01-08"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("date")).isEqualTo(d("2025-01-08"));
        assertCounts(rows.get(0), 0, 0, 0, 0, 0, 0);
        for (String rate : List.of("home_to_department", "department_to_product", "product_to_cart",
                "cart_to_purchase", "session_conversion")) {
            assertThat(rows.get(0).get(rate)).as(rate).isNull();
        }
    }

    @Test
    void funnelCountsTheSessionThatCrossesMidnightOnItsFirstDay() {
        List<Map<String, Object>> rows = run("funnel_daily", d("2025-01-05"), d("2025-01-05"));
        assertCounts(rows.get(0), 1, 1, 1, 0, 0, 0);
    }

    @Test
    void theSameQueryWithOtherParametersOnTheSameSessionGivesTheOtherRows() {
        assertThat(run("revenue_daily", d("2025-01-06"), d("2025-01-06"))).extracting(r -> r.get("date"))
                .containsExactly(d("2025-01-06"));
        assertThat(run("revenue_daily", d("2025-01-08"), d("2025-01-09"))).extracting(r -> r.get("date"))
                .containsExactly(d("2025-01-08"), d("2025-01-09"));
    }

    private static void assertCounts(Map<String, Object> row, long sessions, long home, long department, long product,
                                     long cart, long purchase) {
        assertThat(List.of(row.get("sessions"), row.get("home_sessions"), row.get("department_sessions"),
                row.get("product_sessions"), row.get("cart_sessions"), row.get("purchase_sessions")))
                .map(v -> ((Number) v).longValue())
                .containsExactly(sessions, home, department, product, cart, purchase);
    }

    private static void assertRate(Map<String, Object> row, String column, double expected) {
        assertThat(((Number) row.get(column)).doubleValue()).as(column).isCloseTo(expected, within(1e-12));
    }

    @Test
    void retentionIsZeroFilledWithCohortSizesAndIgnoresActivityAfterTheAsOfDate() {
        // as of Tuesday 2025-01-28: cohort 01-06 has begun weeks 0..3, cohort 01-13 weeks 0..2
        List<Map<String, Object>> rows = run("retention_weekly", d("2025-01-28"), d("2025-01-28"));
        assertThat(rows).extracting(r -> r.get("cohort_week") + "/" + r.get("week_n") + ":" + r.get("cohort_users")
                        + ":" + r.get("active_users"))
                .containsExactly(
                        // cohort 01-06 = {u1, u2, u4 (Sunday 01-12 23:30: ISO weeks start on Monday)}: week 0 u1
                        // (events 01-06) and u2 (order 01-06, events 01-07), not u4 (signing up is no activity);
                        // week 1 u2 (01-14, Sunday 01-19) and u4 (Monday 01-13 00:15); week 2 u1 (01-20); week 3
                        // nobody
                        "2025-01-06/0:3:2", "2025-01-06/1:3:2", "2025-01-06/2:3:1", "2025-01-06/3:3:0",
                        // cohort 01-13 = {u3}: week 0 event 01-13, week 1 order 01-20, week 2: the 01-29 event is
                        // after the as-of date
                        "2025-01-13/0:1:1", "2025-01-13/1:1:1", "2025-01-13/2:1:0");
        assertThat(rows).extracting(r -> ((Number) r.get("retention_rate")).doubleValue())
                .containsExactly(2.0 / 3, 2.0 / 3, 1.0 / 3, 0.0, 1.0, 1.0, 0.0);
        assertThat(rows).extracting(r -> r.get("as_of_date")).containsOnly(d("2025-01-28"));
    }

    @Test
    void abMetricsCountOnlyOrdersAfterAssignmentAsOfEachDate() {
        List<Map<String, Object>> rows = run("ab_metrics", d("2025-01-06"), d("2025-01-08"));
        assertThat(rows).extracting(KpiSqlTest::abRow).containsExactly(
                // 01-06: u1 in control since 10:30 and order 1 (25.50) at 11:00; u2 not yet assigned; exp2 not started
                "2025-01-06 exp1 control true w1.0 1 1 25.5 650.25",
                "2025-01-06 exp1 treatment false w1.0 0 0 0.0 0.0",
                // 01-07: u2 assigned to treatment at 00:00; its order 2 of 01-06 came before the assignment, its
                // order 7 (8.00) at 23:59:59.999999 counts: 1 user, 1 converter, 8, 64; exp2 starts with empty arms
                "2025-01-07 exp1 control true w1.0 1 1 25.5 650.25",
                "2025-01-07 exp1 treatment false w1.0 1 1 8.0 64.0",
                "2025-01-07 exp2 a true w2.0 0 0 0.0 0.0",
                "2025-01-07 exp2 b false w1.0 0 0 0.0 0.0",
                // 01-08: orders 4 (40.00) and 8 (12.00) of u1 -> one user with 77.50: sum of squares 77.5^2 = 6006.25
                "2025-01-08 exp1 control true w1.0 1 1 77.5 6006.25",
                "2025-01-08 exp1 treatment false w1.0 1 1 8.0 64.0",
                "2025-01-08 exp2 a true w2.0 0 0 0.0 0.0",
                "2025-01-08 exp2 b false w1.0 0 0 0.0 0.0");
        List<Map<String, Object>> jan20 = run("ab_metrics", d("2025-01-20"), d("2025-01-20"));
        // 01-20: u1 in control: orders 1 (25.50), 4 (40.00) and 8 (12.00) -> 77.5, 77.5^2 = 6006.25;
        // treatment: u2 (since 01-07) has order 7 (8.00, 01-07) and order 9 (30.00, 01-15) -> 38; u3 (since 01-13)
        // order 6 (40.00): 2 users, 2 converters, 38 + 40 = 78, 38^2 + 40^2 = 1444 + 1600 = 3044
        assertThat(jan20).extracting(KpiSqlTest::abRow).contains(
                "2025-01-20 exp1 control true w1.0 1 1 77.5 6006.25",
                "2025-01-20 exp1 treatment false w1.0 2 2 78.0 3044.0");
    }

    @Test
    void abMetricsCarryThePrePeriodCovariateAndTheGuardrailCounts() {
        // columns: users, Σy, Σx, Σx², Σxy, orders, cancelled/returned orders, users with one; x = completed revenue
        // in the 14 days before the assignment, y = completed revenue from the assignment on
        List<Map<String, Object>> jan8 = run("ab_metrics", d("2025-01-08"), d("2025-01-08"));
        assertThat(jan8).extracting(KpiSqlTest::abCupedRow).contains(
                // u1 (control since 01-06 10:30): nothing before (orders 1 and 3 come after 10:30), so x = 0;
                // y = 25.50 + 40.00 + 12.00 = 77.5; orders after: 1, 3 (Cancelled), 4, 8 -> 4 orders, 1 cancelled
                "2025-01-08 exp1 control 1 77.5 0.0 0.0 0.0 4 1 1 pre-conv 0 0",
                // u2 (treatment since 01-07 00:00): order 2 (20.00, 01-06 23:59:59) is in the pre-period, x = 20;
                // after: order 5 (Shipped, not revenue) and order 7 (8.00) -> y = 8, Σxy = 20·8 = 160; 2 orders,
                // none cancelled; pre-period converter (x > 0) who converted after: pre-conv 1 1
                "2025-01-08 exp1 treatment 1 8.0 20.0 400.0 160.0 2 0 0 pre-conv 1 1");
        // 01-20: exp2 a u1 has pre-period revenue (77.5) but no completed order since its assignment yet
        // (order 11 is on 01-21): a pre-period converter who has not converted after, pre-conv 1 0
        assertThat(run("ab_metrics", d("2025-01-20"), d("2025-01-20"))).extracting(KpiSqlTest::abCupedRow)
                .contains("2025-01-20 exp2 a 1 0.0 77.5 6006.25 0.0 0 0 0 pre-conv 1 0");
        List<Map<String, Object>> jan21 = run("ab_metrics", d("2025-01-21"), d("2025-01-21"));
        assertThat(jan21).extracting(KpiSqlTest::abCupedRow).containsExactly(
                // exp1 control u1: y = 77.5 + 12.00 (order 11, 01-21) = 89.5, x = 0;
                // orders 1, 3, 4, 8, 11 -> 5, of which 1 cancelled (order 3)
                "2025-01-21 exp1 control 1 89.5 0.0 0.0 0.0 5 1 1 pre-conv 0 0",
                // exp1 treatment: u2 x = 20, y = 8 + 30 = 38; u3 x = 0 (no order before 01-13), y = 40:
                // Σy = 78, Σx = 20, Σx² = 400, Σxy = 20·38 + 0·40 = 760;
                // orders: u2 5, 7, 9, 10 (Returned), u3 6 -> 5, 1 returned, 1 user; pre-period converters: u2 only,
                // who converted after too
                "2025-01-21 exp1 treatment 2 78.0 20.0 400.0 760.0 5 1 1 pre-conv 1 1",
                // exp2 a u1 (since 01-09 09:00): pre-period [12-26 09:00, 01-09 09:00) holds orders 1 (25.50),
                // 4 (40.00) and 8 (12.00); the cancelled order 3 is not revenue: x = 77.5, x² = 6006.25;
                // y = 12 (order 11), Σxy = 77.5·12 = 930; orders after: 11 -> 1, none cancelled
                "2025-01-21 exp2 a 1 12.0 77.5 6006.25 930.0 1 0 0 pre-conv 1 1",
                // exp2 b u2 (since 01-10 00:00): x = 20 (order 2) + 8 (order 7) = 28 (order 5 is only shipped),
                // x² = 784; y = 30 (order 9), Σxy = 28·30 = 840; orders after: 9, 10 (Returned) -> 2, 1 returned
                "2025-01-21 exp2 b 1 30.0 28.0 784.0 840.0 2 1 1 pre-conv 1 1");
    }

    @Test
    void abMetricsCapRevenueAtThe99thPercentileOfAllUsers() {
        // columns: cap, Σ min(y, cap), Σ min(y, cap)², Σ min(x, cap), Σ min(x, cap)², Σ min(x, cap)·min(y, cap).
        // PERCENTILE_CONT(0.99) of n values sorted ascending: h = 0.99 (n - 1), v[⌊h⌋] + (h - ⌊h⌋)(v[⌊h⌋+1] - v[⌊h⌋])
        List<Map<String, Object>> jan21 = run("ab_metrics", d("2025-01-21"), d("2025-01-21"));
        assertThat(jan21).extracting(KpiSqlTest::abCappedRow).containsExactly(
                // exp1: y = u1 89.5, u2 38, u3 40 pooled over both arms: sorted [38, 40, 89.5], h = 1.98:
                // cap = 40 + 0.98·49.5 = 88.51; u1 capped to 88.51 (88.51² = 7834.0201), x = 0
                "2025-01-21 exp1 control cap 88.51 88.51 7834.0201 0.0 0.0 0.0",
                // u2 38 and u3 40 are below the cap: Σ 78, Σ² 3044; x: u2 20 -> 20, 400, 20·38 = 760
                "2025-01-21 exp1 treatment cap 88.51 78.0 3044.0 20.0 400.0 760.0",
                // exp2: u1 y 12 (x 77.5), u2 y 30 (x 28): h = 0.99, cap = 12 + 0.99·18 = 29.82; the covariate is
                // capped at the same value: u1 x -> 29.82 (889.2324), 29.82·12 = 357.84
                "2025-01-21 exp2 a cap 29.82 12.0 144.0 29.82 889.2324 357.84",
                // u2 y -> 29.82 (889.2324), x 28 (784), 28·29.82 = 834.96
                "2025-01-21 exp2 b cap 29.82 29.82 889.2324 28.0 784.0 834.96");
        // 01-20: exp2's u1 has no revenue since its assignment yet, a zero among the values: sorted [0, 30],
        // cap = 0 + 0.99·30 = 29.7; u1: y 0, x 77.5 -> 29.7 (882.09); u2: y 30 -> 29.7, x 28, 28·29.7 = 831.6
        assertThat(run("ab_metrics", d("2025-01-20"), d("2025-01-20"))).extracting(KpiSqlTest::abCappedRow).contains(
                "2025-01-20 exp2 a cap 29.7 0.0 0.0 29.7 882.09 0.0",
                "2025-01-20 exp2 b cap 29.7 29.7 882.09 28.0 784.0 831.6");
        // a range of dates gets each date's own cap: 01-08 exp1 y = u1 77.5, u2 8: cap = 8 + 0.99·69.5 = 76.805
        assertThat(run("ab_metrics", d("2025-01-07"), d("2025-01-08"))).extracting(KpiSqlTest::abCappedRow).contains(
                "2025-01-08 exp1 control cap 76.805 76.805 5899.008025 0.0 0.0 0.0",
                // 01-07: u1 25.5, u2 8 -> cap = 8 + 0.99·17.5 = 25.325
                "2025-01-07 exp1 control cap 25.325 25.325 641.355625 0.0 0.0 0.0",
                // exp2 has no user yet: no cap, nothing to sum
                "2025-01-07 exp2 a cap null 0.0 0.0 0.0 0.0 0.0");
        // a run of more than 7 dates caps its last 7 only (each as a single-date run does); earlier: NULL
        List<Map<String, Object>> long_ = run("ab_metrics", d("2025-01-06"), d("2025-01-21"));
        assertThat(long_).extracting(KpiSqlTest::abCappedRow).contains(
                "2025-01-21 exp1 control cap 88.51 88.51 7834.0201 0.0 0.0 0.0",
                // 01-15: u1 77.5, u2 8 + 30 = 38, u3 (since 01-13) 0: sorted [0, 38, 77.5], cap = 38 + 0.98·39.5
                "2025-01-15 exp1 control cap 76.71 76.71 5884.4241 0.0 0.0 0.0");
        assertThat(long_).filteredOn(r -> r.get("as_of_date").toString().compareTo("2025-01-15") < 0)
                .isNotEmpty().allSatisfy(r -> {
                    assertThat(r.get("revenue_cap")).isNull();
                    assertThat(r.get("capped_revenue_sum")).isNull();
                });
    }

    @Test
    void abMetricsCarryTheAverageOrderValueSums() {
        // per user: y = completed revenue from the assignment on, d = completed orders from the assignment on;
        // columns Σy, Σd, Σd², Σy·d
        assertThat(run("ab_metrics", d("2025-01-08"), d("2025-01-08"))).extracting(KpiSqlTest::abOrderRow).contains(
                // u1 (control since 01-06 10:30): orders 1 (25.50, 01-06), 4 (40.00) and 8 (12.00, both 01-08):
                // y 77.5, d 3, 9, 77.5·3 = 232.5 (grown over two days: 25.5·1, then 77.5·3 - 25.5·1)
                "2025-01-08 exp1 control aov 77.5 3 9 232.5");
        assertThat(run("ab_metrics", d("2025-01-21"), d("2025-01-21"))).extracting(KpiSqlTest::abOrderRow)
                .containsExactly(
                        // u1: + order 11 (12.00): y 89.5, d 4, 16, 358
                        "2025-01-21 exp1 control aov 89.5 4 16 358.0",
                        // u2: orders 7 (8.00) and 9 (30.00), y 38, d 2; u3: order 6 (40.00), d 1: Σd 3, Σd² 5,
                        // Σy·d = 38·2 + 40·1 = 116
                        "2025-01-21 exp1 treatment aov 78.0 3 5 116.0",
                        // exp2 a u1 (since 01-09): order 11 -> 12, 1; exp2 b u2 (since 01-10): order 9 -> 30, 1
                        "2025-01-21 exp2 a aov 12.0 1 1 12.0",
                        "2025-01-21 exp2 b aov 30.0 1 1 30.0");
    }

    private static String abOrderRow(Map<String, Object> r) {
        return r.get("as_of_date") + " " + r.get("experiment_id") + " " + r.get("variant") + " aov "
                + ((Number) r.get("revenue_sum")).doubleValue() + " " + ((Number) r.get("completed_orders")).longValue()
                + " " + ((Number) r.get("completed_orders_sum_squares")).longValue() + " "
                + ((Number) r.get("revenue_order_products")).doubleValue();
    }

    private static String abCappedRow(Map<String, Object> r) {
        StringBuilder out = new StringBuilder(r.get("as_of_date") + " " + r.get("experiment_id") + " "
                + r.get("variant") + " cap");
        for (String column : List.of("revenue_cap", "capped_revenue_sum", "capped_revenue_sum_squares",
                "capped_pre_revenue_sum", "capped_pre_revenue_sum_squares", "capped_revenue_pre_products")) {
            Object v = r.get(column);
            out.append(' ').append(v == null ? "null" : String.valueOf(Math.round(((Number) v).doubleValue() * 1e6) / 1e6));
        }
        return out.toString();
    }

    private static String abCupedRow(Map<String, Object> r) {
        return r.get("as_of_date") + " " + r.get("experiment_id") + " " + r.get("variant") + " "
                + ((Number) r.get("users")).longValue() + " " + ((Number) r.get("revenue_sum")).doubleValue() + " "
                + ((Number) r.get("pre_revenue_sum")).doubleValue() + " "
                + ((Number) r.get("pre_revenue_sum_squares")).doubleValue() + " "
                + ((Number) r.get("revenue_pre_products")).doubleValue() + " "
                + ((Number) r.get("orders")).longValue() + " " + ((Number) r.get("cancelled_returned_orders")).longValue()
                + " " + ((Number) r.get("cancel_return_users")).longValue()
                + " pre-conv " + ((Number) r.get("pre_converters")).longValue()
                + " " + ((Number) r.get("pre_post_converters")).longValue();
    }

    @Test
    void abSegmentsSplitAbMetricsByTrafficSourceCountryAndFirstBrowser() {
        // per user, completed revenue from the assignment on (see abMetricsAccumulateRevenuePerUser…): exp1 u1
        // (control, Search, Brasil, first session s1 on Chrome) 25.50 + 40.00 + 12.00 = 77.50 by 01-20; u2 (treatment,
        // Email, Brasil, Safari) 8.00 + 30.00 = 38.00; u3 (treatment from 01-13, Organic, China, Firefox: its first
        // session s8) 40.00. exp2: u1 in a (Search) nothing by 01-20 (order 11 is on 01-21); u2 in b (Email) 30.00
        List<Map<String, Object>> jan20 = run("ab_segments", d("2025-01-20"), d("2025-01-20"));
        assertThat(jan20).extracting(KpiSqlTest::segmentRow).containsExactly(
                "2025-01-20 exp1 browser Chrome control true w1.0 1 1 77.5 6006.25",
                "2025-01-20 exp1 browser Chrome treatment false w1.0 0 0 0.0 0.0",
                "2025-01-20 exp1 browser Firefox control true w1.0 0 0 0.0 0.0",
                "2025-01-20 exp1 browser Firefox treatment false w1.0 1 1 40.0 1600.0",
                "2025-01-20 exp1 browser Safari control true w1.0 0 0 0.0 0.0",
                "2025-01-20 exp1 browser Safari treatment false w1.0 1 1 38.0 1444.0",
                "2025-01-20 exp1 country Brasil control true w1.0 1 1 77.5 6006.25",
                "2025-01-20 exp1 country Brasil treatment false w1.0 1 1 38.0 1444.0",
                "2025-01-20 exp1 country China control true w1.0 0 0 0.0 0.0",
                "2025-01-20 exp1 country China treatment false w1.0 1 1 40.0 1600.0",
                "2025-01-20 exp1 traffic_source Email control true w1.0 0 0 0.0 0.0",
                "2025-01-20 exp1 traffic_source Email treatment false w1.0 1 1 38.0 1444.0",
                "2025-01-20 exp1 traffic_source Organic control true w1.0 0 0 0.0 0.0",
                "2025-01-20 exp1 traffic_source Organic treatment false w1.0 1 1 40.0 1600.0",
                "2025-01-20 exp1 traffic_source Search control true w1.0 1 1 77.5 6006.25",
                "2025-01-20 exp1 traffic_source Search treatment false w1.0 0 0 0.0 0.0",
                "2025-01-20 exp2 browser Chrome a true w2.0 1 0 0.0 0.0",
                "2025-01-20 exp2 browser Chrome b false w1.0 0 0 0.0 0.0",
                "2025-01-20 exp2 browser Safari a true w2.0 0 0 0.0 0.0",
                "2025-01-20 exp2 browser Safari b false w1.0 1 1 30.0 900.0",
                "2025-01-20 exp2 country Brasil a true w2.0 1 0 0.0 0.0",
                "2025-01-20 exp2 country Brasil b false w1.0 1 1 30.0 900.0",
                "2025-01-20 exp2 traffic_source Email a true w2.0 0 0 0.0 0.0",
                "2025-01-20 exp2 traffic_source Email b false w1.0 1 1 30.0 900.0",
                "2025-01-20 exp2 traffic_source Search a true w2.0 1 0 0.0 0.0",
                "2025-01-20 exp2 traffic_source Search b false w1.0 0 0 0.0 0.0");
        // 01-08, computed alone and in a run up to 01-20 whose capped_from is 01-08 (the same rows: each date is
        // computed from its own data): u1 77.50 (6006.25), u2 8.00 (64); u3 (Organic, China, Firefox) not yet
        // assigned, so those values have no row; exp2 has no user yet (its arms are empty), so no row either
        List<String> jan8 = List.of(
                "2025-01-08 exp1 browser Chrome control true w1.0 1 1 77.5 6006.25",
                "2025-01-08 exp1 browser Chrome treatment false w1.0 0 0 0.0 0.0",
                "2025-01-08 exp1 browser Safari control true w1.0 0 0 0.0 0.0",
                "2025-01-08 exp1 browser Safari treatment false w1.0 1 1 8.0 64.0",
                "2025-01-08 exp1 country Brasil control true w1.0 1 1 77.5 6006.25",
                "2025-01-08 exp1 country Brasil treatment false w1.0 1 1 8.0 64.0",
                "2025-01-08 exp1 traffic_source Email control true w1.0 0 0 0.0 0.0",
                "2025-01-08 exp1 traffic_source Email treatment false w1.0 1 1 8.0 64.0",
                "2025-01-08 exp1 traffic_source Search control true w1.0 1 1 77.5 6006.25",
                "2025-01-08 exp1 traffic_source Search treatment false w1.0 0 0 0.0 0.0");
        assertThat(run("ab_segments", d("2025-01-08"), d("2025-01-08"))).extracting(KpiSqlTest::segmentRow)
                .containsExactlyElementsOf(jan8);
        assertThat(run("ab_segments", d("2025-01-08"), d("2025-01-20"), d("2025-01-08")))
                .extracting(KpiSqlTest::segmentRow).filteredOn(r -> r.startsWith("2025-01-08"))
                .containsExactlyElementsOf(jan8);
    }

    @Test
    void abSegmentsHaveNoRowBeforeCappedFrom() {
        // kept for the last 7 business dates only: a run over 01-06..01-20 whose capped_from is 01-14 has rows for
        // 01-14..01-20 (both experiments have users by then) and none before, though users were assigned from 01-06
        List<Map<String, Object>> rows = run("ab_segments", d("2025-01-06"), d("2025-01-20"), d("2025-01-14"));
        assertThat(rows).extracting(r -> r.get("as_of_date").toString()).containsOnly("2025-01-14", "2025-01-15",
                "2025-01-16", "2025-01-17", "2025-01-18", "2025-01-19", "2025-01-20");
        // the first kept date carries everything before it: 01-14 exp1 u1 (control, Search) 25.50 (01-06) + 40.00 +
        // 12.00 (01-08) = 77.50, 77.5^2 = 6006.25; u2 (treatment, Email) 8.00 (01-07; order 9 is on 01-15); u3
        // (treatment since 01-13, Organic) nothing yet; exp2 u1 (a since 01-09, Search) nothing since its assignment
        assertThat(rows).extracting(KpiSqlTest::segmentRow).filteredOn(r -> r.startsWith("2025-01-14 exp1 traffic_source")
                || r.startsWith("2025-01-14 exp2 traffic_source Search")).containsExactly(
                "2025-01-14 exp1 traffic_source Email control true w1.0 0 0 0.0 0.0",
                "2025-01-14 exp1 traffic_source Email treatment false w1.0 1 1 8.0 64.0",
                "2025-01-14 exp1 traffic_source Organic control true w1.0 0 0 0.0 0.0",
                "2025-01-14 exp1 traffic_source Organic treatment false w1.0 1 0 0.0 0.0",
                "2025-01-14 exp1 traffic_source Search control true w1.0 1 1 77.5 6006.25",
                "2025-01-14 exp1 traffic_source Search treatment false w1.0 0 0 0.0 0.0",
                "2025-01-14 exp2 traffic_source Search a true w2.0 1 0 0.0 0.0",
                "2025-01-14 exp2 traffic_source Search b false w1.0 0 0 0.0 0.0");
        // a run entirely before capped_from (a backfill of old dates) writes nothing
        assertThat(run("ab_segments", d("2025-01-06"), d("2025-01-13"), d("2025-01-14"))).isEmpty();
    }

    @Test
    void abSegmentsKeepTheTwentyCountriesWithTheMostUsersOfEachDateAndSumTheRestIntoOther() throws Exception {
        // users 1-3 in Z1; users 4..24 one each in C01..C21; user 25 joins C21 on 01-03. Odd users in control c, even
        // in treatment t, all assigned on 01-02 10:00 but user 25 (01-03 09:00). Only user 23 (C20, control) buys:
        // 10.00 on 01-03.
        FixtureTables t = new FixtureTables();
        Object[][] users = new Object[25][];
        Object[][] assignments = new Object[25][];
        for (int id = 1; id <= 25; id++) {
            String country = id <= 3 ? "Z1" : id == 25 ? "C21" : String.format("C%02d", id - 3);
            users[id - 1] = row(id, "Search", country, ts("2025-01-01 10:00:00"));
            assignments[id - 1] = row(id, "e", id % 2 == 1 ? "c" : "t",
                    ts(id == 25 ? "2025-01-03 09:00:00" : "2025-01-02 10:00:00"));
        }
        t.rows("users", "id, traffic_source, country, created_at", users)
                .rows("orders", "order_id, user_id, status, created_at, num_of_item",
                        row(1, 23, "Complete", ts("2025-01-03 12:00:00"), 1))
                .rows("order_items", "id, order_id, user_id, product_id, status, created_at, sale_price",
                        row(1, 1, 23, 1, "Complete", ts("2025-01-03 12:00:00"), 10.00))
                .rows("experiments", "experiment_id, name, start_date", row("e", "E", d("2025-01-01")))
                .rows("experiment_variants", "experiment_id, variant, weight, is_control",
                        row("e", "c", 1.0, true), row("e", "t", 1.0, false))
                .rows("assignments", "user_id, experiment_id, variant, assigned_at", assignments);
        List<Map<String, Object>> rows = new ArrayList<>();
        // capped_from 01-02: both dates are among the last 7 (a run whose yesterday is 01-08)
        warehouseOf(t).query("ab_segments", Map.of("from", d("2025-01-02"), "to", d("2025-01-03"),
                "capped_from", d("2025-01-02")), rows::add);
        List<String> country = rows.stream().filter(r -> "country".equals(r.get("segment")))
                .map(KpiSqlTest::segmentRow).toList();
        // 01-02: Z1 (3 users) then C01..C19 by name (1 each) are the top 20; C20 (user 23, c) and C21 (user 24, t)
        // are 'other'
        assertThat(country).filteredOn(r -> r.startsWith("2025-01-02")).hasSize(2 * 21).contains(
                "2025-01-02 e country Z1 c true w1.0 2 0 0.0 0.0",
                "2025-01-02 e country Z1 t false w1.0 1 0 0.0 0.0",
                "2025-01-02 e country C19 t false w1.0 1 0 0.0 0.0",
                "2025-01-02 e country other c true w1.0 1 0 0.0 0.0",
                "2025-01-02 e country other t false w1.0 1 0 0.0 0.0")
                .noneMatch(r -> r.contains(" C20 ") || r.contains(" C21 "));
        // 01-03: C21 has 2 users (24 in t, 25 in c) and moves up; the top 20 is Z1, C21, C01..C18; 'other' holds C19
        // (user 22, t) and C20 (user 23, c, who bought 10.00: Σ 10, Σ² 100); C18 is user 21, in c
        assertThat(country).filteredOn(r -> r.startsWith("2025-01-03")).hasSize(2 * 21).contains(
                "2025-01-03 e country C21 c true w1.0 1 0 0.0 0.0",
                "2025-01-03 e country C21 t false w1.0 1 0 0.0 0.0",
                "2025-01-03 e country C18 c true w1.0 1 0 0.0 0.0",
                "2025-01-03 e country other c true w1.0 1 1 10.0 100.0",
                "2025-01-03 e country other t false w1.0 1 0 0.0 0.0")
                .noneMatch(r -> r.contains(" C19 ") || r.contains(" C20 "));
        // no event at all: every user's browser is '(unknown)'; 13 odd users of 01-02 plus user 25 in c
        assertThat(rows).extracting(KpiSqlTest::segmentRow).contains(
                "2025-01-03 e browser (unknown) c true w1.0 13 1 10.0 100.0",
                "2025-01-03 e browser (unknown) t false w1.0 12 0 0.0 0.0");
    }

    static String segmentRow(Map<String, Object> r) {
        return r.get("as_of_date") + " " + r.get("experiment_id") + " " + r.get("segment") + " "
                + r.get("segment_value") + " " + r.get("variant") + " " + r.get("is_control")
                + " w" + ((Number) r.get("weight")).doubleValue()
                + " " + ((Number) r.get("users")).longValue() + " " + ((Number) r.get("converters")).longValue() + " "
                + ((Number) r.get("revenue_sum")).doubleValue() + " " + ((Number) r.get("revenue_sum_squares")).doubleValue();
    }

    static String abRow(Map<String, Object> r) {
        return r.get("as_of_date") + " " + r.get("experiment_id") + " " + r.get("variant") + " " + r.get("is_control")
                + " w" + ((Number) r.get("weight")).doubleValue()
                + " " + ((Number) r.get("users")).longValue() + " " + ((Number) r.get("converters")).longValue() + " "
                + ((Number) r.get("revenue_sum")).doubleValue() + " " + ((Number) r.get("revenue_sum_squares")).doubleValue();
    }
}
