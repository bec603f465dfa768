package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.execkpi.warehouse.JdbcWarehouse;
import io.execkpi.warehouse.SqlFiles;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Every KPI query of sql/duckdb against a tiny warehouse written here by hand; expected values are computed by hand in
 * the comments (not by running the code). The fixture includes the traps of the original system: cancelled and
 * shipped orders, several items per order, an order placed before an experiment assignment, a session crossing
 * midnight, sessions landing mid-funnel, weeks without activity and activity after the as-of date.
 */
class KpiSqlTest {

    static JdbcWarehouse warehouse;

    @BeforeAll
    static void fixture() throws Exception {
        // one in-memory DuckDB connection for every query
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:", true);
        Connection c = ds.getConnection();
        ScriptUtils.executeSqlScript(c, new ClassPathResource("thelook/schema.sql"));
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        // users: u1 and u2 sign up in the week of Monday 2025-01-06, u3 in the week of Monday 2025-01-13
        jdbc.update("INSERT INTO users (id, gender, traffic_source, created_at) VALUES"
                + " (1, 'F', 'Search', TIMESTAMP '2025-01-06 10:00:00'),"
                + " (2, 'M', 'Email', TIMESTAMP '2025-01-06 08:00:00'),"
                + " (3, 'F', 'Organic', TIMESTAMP '2025-01-13 12:00:00')");
        jdbc.update("INSERT INTO orders (order_id, user_id, status, created_at, num_of_item) VALUES"
                + " (1, 1, 'Complete',  TIMESTAMP '2025-01-06 11:00:00', 2),"
                + " (2, 2, 'Complete',  TIMESTAMP '2025-01-06 23:59:59', 1),"
                + " (3, 1, 'Cancelled', TIMESTAMP '2025-01-06 12:00:00', 1),"
                + " (4, 1, 'Complete',  TIMESTAMP '2025-01-08 08:00:00', 3),"
                + " (5, 2, 'Shipped',   TIMESTAMP '2025-01-07 09:30:00', 1),"
                + " (6, 3, 'Complete',  TIMESTAMP '2025-01-20 10:00:00', 1),"
                // for ab_metrics' covariate and guardrails; on days that leave the other KPIs' checks unchanged
                // (after 01-09, and in weeks where their users are already active)
                + " (7, 2, 'Complete',  TIMESTAMP '2025-01-15 10:00:00', 1),"
                + " (8, 2, 'Returned',  TIMESTAMP '2025-01-16 10:00:00', 1),"
                + " (9, 1, 'Complete',  TIMESTAMP '2025-01-21 10:00:00', 1)");
        jdbc.update("INSERT INTO order_items (id, order_id, user_id, product_id, status, created_at, sale_price) VALUES"
                + " (1, 1, 1, 1, 'Complete', TIMESTAMP '2025-01-06 11:00:00', 10.00),"
                + " (2, 1, 1, 2, 'Complete', TIMESTAMP '2025-01-06 11:00:00', 15.50),"
                + " (3, 2, 2, 3, 'Complete', TIMESTAMP '2025-01-06 23:59:59', 20.00),"
                + " (4, 3, 1, 4, 'Cancelled', TIMESTAMP '2025-01-06 12:00:00', 99.00),"
                + " (5, 4, 1, 5, 'Complete', TIMESTAMP '2025-01-08 08:00:00', 5.25),"
                + " (6, 4, 1, 6, 'Complete', TIMESTAMP '2025-01-08 08:00:00', 4.75),"
                + " (7, 4, 1, 7, 'Complete', TIMESTAMP '2025-01-08 08:00:00', 30.00),"
                + " (8, 5, 2, 8, 'Shipped', TIMESTAMP '2025-01-07 09:30:00', 12.00),"
                + " (9, 6, 3, 9, 'Complete', TIMESTAMP '2025-01-20 10:00:00', 40.00),"
                + " (10, 7, 2, 10, 'Complete', TIMESTAMP '2025-01-15 10:00:00', 30.00),"
                + " (11, 8, 2, 11, 'Returned', TIMESTAMP '2025-01-16 10:00:00', 7.00),"
                + " (12, 9, 1, 12, 'Complete', TIMESTAMP '2025-01-21 10:00:00', 12.00)");
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
        };
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            Object[] e = events[i];
            rows.add(new Object[] {i + 1, e[0], i + 1, e[1],
                    java.time.LocalDateTime.parse(((String) e[2]).replace(' ', 'T')), e[3]});
        }
        jdbc.batchUpdate("INSERT INTO events (id, user_id, sequence_number, session_id, created_at, event_type)"
                + " VALUES (?, ?, ?, ?, ?, ?)", rows);
        jdbc.update("INSERT INTO experiments (experiment_id, name, start_date) VALUES"
                + " ('exp1', 'Experiment 1', DATE '2025-01-01'), ('exp2', 'Experiment 2', DATE '2025-01-07')");
        jdbc.update("INSERT INTO experiment_variants (experiment_id, variant, weight, is_control) VALUES"
                + " ('exp1', 'control', 1, TRUE), ('exp1', 'treatment', 1, FALSE),"
                + " ('exp2', 'a', 2, TRUE), ('exp2', 'b', 1, FALSE)");
        jdbc.update("INSERT INTO assignments (user_id, experiment_id, variant, assigned_at) VALUES"
                + " (1, 'exp1', 'control', TIMESTAMP '2025-01-06 10:30:00'),"
                + " (2, 'exp1', 'treatment', TIMESTAMP '2025-01-07 00:00:00'),"
                + " (3, 'exp1', 'treatment', TIMESTAMP '2025-01-13 12:00:00'),"
                + " (1, 'exp2', 'a', TIMESTAMP '2025-01-09 09:00:00'),"
                + " (2, 'exp2', 'b', TIMESTAMP '2025-01-10 00:00:00')");
        warehouse = new JdbcWarehouse(ds, new SqlFiles(new DefaultResourceLoader(), "file:sql/", "duckdb"), 100);
    }

    static List<Map<String, Object>> run(String kpi, LocalDate from, LocalDate to) {
        KpiDefinition.Grain grain = switch (kpi) {
            case "retention_weekly" -> KpiDefinition.Grain.WEEKLY_COHORT;
            case "ab_metrics" -> KpiDefinition.Grain.SNAPSHOT;
            default -> KpiDefinition.Grain.DAILY;
        };
        List<Map<String, Object>> rows = new ArrayList<>();
        warehouse.query(kpi, Map.of("from", from, "to", to, "partition_from", grain.partitionFrom(from),
                "partition_to", grain.partitionTo(to)), rows::add);
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
        // 01-07: order 5 is only shipped
        assertRevenue(rows.get(2), 0, 0, 0.0, null);
        // 01-08: order 4 with 5.25 + 4.75 + 30.00 -> 1 order, 3 items, 40.00, aov 40.00
        assertRevenue(rows.get(3), 1, 3, 40.00, 40.00);
    }

    @Test
    void averageOrderValueRoundsHalfACentUp() throws Exception {
        // 133.95 over 2 orders is 66.975 exactly: 66.98 (rounding the double 66.974999… would give 66.97)
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:", true);
        ScriptUtils.executeSqlScript(ds.getConnection(), new ClassPathResource("thelook/schema.sql"));
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.update("INSERT INTO orders (order_id, user_id, status, created_at, num_of_item) VALUES"
                + " (1, 1, 'Complete', TIMESTAMP '2025-01-06 11:00:00', 1),"
                + " (2, 2, 'Complete', TIMESTAMP '2025-01-06 12:00:00', 2)");
        jdbc.update("INSERT INTO order_items (id, order_id, user_id, product_id, status, created_at, sale_price) VALUES"
                + " (1, 1, 1, 1, 'Complete', TIMESTAMP '2025-01-06 11:00:00', 99.95),"
                + " (2, 2, 2, 2, 'Complete', TIMESTAMP '2025-01-06 12:00:00', 20.00),"
                + " (3, 2, 2, 3, 'Complete', TIMESTAMP '2025-01-06 12:00:00', 14.00)");
        List<Map<String, Object>> rows = new ArrayList<>();
        new JdbcWarehouse(ds, new SqlFiles(new DefaultResourceLoader(), "file:sql/", "duckdb"), 100).query(
                "revenue_daily", Map.of("from", d("2025-01-06"), "to", d("2025-01-06")), rows::add);
        assertRevenue(rows.get(0), 2, 3, 133.95, 66.98);
        ds.destroy();
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
                        // cohort 01-06 = {u1, u2}: week 0 both (u1 events 01-06, u2 order 01-06 and events 01-07),
                        // week 1 u2 (01-14), week 2 u1 (01-20), week 3 nobody
                        "2025-01-06/0:2:2", "2025-01-06/1:2:1", "2025-01-06/2:2:1", "2025-01-06/3:2:0",
                        // cohort 01-13 = {u3}: week 0 event 01-13, week 1 order 01-20, week 2: the 01-29 event is
                        // after the as-of date
                        "2025-01-13/0:1:1", "2025-01-13/1:1:1", "2025-01-13/2:1:0");
        assertThat(rows).extracting(r -> ((Number) r.get("retention_rate")).doubleValue())
                .containsExactly(1.0, 0.5, 0.5, 0.0, 1.0, 1.0, 0.0);
        assertThat(rows).extracting(r -> r.get("as_of_date")).containsOnly(d("2025-01-28"));
    }

    @Test
    void abMetricsCountOnlyOrdersAfterAssignmentAsOfEachDate() {
        List<Map<String, Object>> rows = run("ab_metrics", d("2025-01-06"), d("2025-01-08"));
        assertThat(rows).extracting(KpiSqlTest::abRow).containsExactly(
                // 01-06: u1 in control since 10:30 and order 1 (25.50) at 11:00; u2 not yet assigned; exp2 not started
                "2025-01-06 exp1 control true w1.0 1 1 25.5 650.25",
                "2025-01-06 exp1 treatment false w1.0 0 0 0.0 0.0",
                // 01-07: u2 assigned to treatment at 00:00; its order 2 of 01-06 came before the assignment
                "2025-01-07 exp1 control true w1.0 1 1 25.5 650.25",
                "2025-01-07 exp1 treatment false w1.0 1 0 0.0 0.0",
                "2025-01-07 exp2 a true w2.0 0 0 0.0 0.0",
                "2025-01-07 exp2 b false w1.0 0 0 0.0 0.0",
                // 01-08: order 4 (40.00) of u1 -> one user with 65.50: sum of squares 65.5^2 = 4290.25
                "2025-01-08 exp1 control true w1.0 1 1 65.5 4290.25",
                "2025-01-08 exp1 treatment false w1.0 1 0 0.0 0.0",
                "2025-01-08 exp2 a true w2.0 0 0 0.0 0.0",
                "2025-01-08 exp2 b false w1.0 0 0 0.0 0.0");
        List<Map<String, Object>> jan20 = run("ab_metrics", d("2025-01-20"), d("2025-01-20"));
        // 01-20: u2 (treatment since 01-07) completed order 7 (30.00) on 01-15 and u3 (treatment since 01-13)
        // order 6 (40.00): 2 users, 2 converters, 30 + 40 = 70, 900 + 1600 = 2500
        assertThat(jan20).extracting(KpiSqlTest::abRow).contains(
                "2025-01-20 exp1 control true w1.0 1 1 65.5 4290.25",
                "2025-01-20 exp1 treatment false w1.0 2 2 70.0 2500.0");
    }

    @Test
    void abMetricsCarryThePrePeriodCovariateAndTheGuardrailCounts() {
        // columns: users, Σy, Σx, Σx², Σxy, orders, cancelled/returned orders, users with one; x = completed revenue
        // in the 14 days before the assignment, y = completed revenue from the assignment on
        List<Map<String, Object>> jan8 = run("ab_metrics", d("2025-01-08"), d("2025-01-08"));
        assertThat(jan8).extracting(KpiSqlTest::abCupedRow).contains(
                // u1 (control since 01-06 10:30): nothing before (orders 1 and 3 come after 10:30), so x = 0;
                // orders after: 1 (Complete), 3 (Cancelled), 4 (Complete, 01-08) -> 3 orders, 1 cancelled
                "2025-01-08 exp1 control 1 65.5 0.0 0.0 0.0 3 1 1",
                // u2 (treatment since 01-07 00:00): order 2 (20.00, 01-06 23:59:59) is in the pre-period, x = 20;
                // after: order 5 (Shipped, not revenue) -> 1 order, none cancelled; y = 0 so Σxy = 0
                "2025-01-08 exp1 treatment 1 0.0 20.0 400.0 0.0 1 0 0");
        List<Map<String, Object>> jan21 = run("ab_metrics", d("2025-01-21"), d("2025-01-21"));
        assertThat(jan21).extracting(KpiSqlTest::abCupedRow).containsExactly(
                // exp1 control u1: y = 25.50 + 40.00 + 12.00 (order 9, 01-21) = 77.5, x = 0;
                // orders 1, 3, 4, 9 -> 4, of which 1 cancelled (order 3)
                "2025-01-21 exp1 control 1 77.5 0.0 0.0 0.0 4 1 1",
                // exp1 treatment: u2 x = 20, y = 30 (order 7); u3 x = 0, y = 40 (order 6):
                // Σy = 70, Σx = 20, Σx² = 400, Σxy = 20·30 + 0·40 = 600;
                // orders: u2 5, 7, 8 (Returned), u3 6 -> 4, 1 returned, 1 user
                "2025-01-21 exp1 treatment 2 70.0 20.0 400.0 600.0 4 1 1",
                // exp2 a u1 (since 01-09 09:00): pre-period [12-26 09:00, 01-09 09:00) holds orders 1 (25.50) and
                // 4 (40.00), the cancelled order 3 is not revenue: x = 65.5, x² = 4290.25; y = 12 (order 9),
                // Σxy = 65.5·12 = 786; orders after: 9 -> 1, none cancelled
                "2025-01-21 exp2 a 1 12.0 65.5 4290.25 786.0 1 0 0",
                // exp2 b u2 (since 01-10 00:00): x = 20 (order 2; order 5 is only shipped), y = 30 (order 7),
                // Σxy = 600; orders after: 7, 8 (Returned) -> 2, 1 returned, 1 user
                "2025-01-21 exp2 b 1 30.0 20.0 400.0 600.0 2 1 1");
    }

    private static String abCupedRow(Map<String, Object> r) {
        return r.get("as_of_date") + " " + r.get("experiment_id") + " " + r.get("variant") + " "
                + ((Number) r.get("users")).longValue() + " " + ((Number) r.get("revenue_sum")).doubleValue() + " "
                + ((Number) r.get("pre_revenue_sum")).doubleValue() + " "
                + ((Number) r.get("pre_revenue_sum_squares")).doubleValue() + " "
                + ((Number) r.get("revenue_pre_products")).doubleValue() + " "
                + ((Number) r.get("orders")).longValue() + " " + ((Number) r.get("cancelled_returned_orders")).longValue()
                + " " + ((Number) r.get("cancel_return_users")).longValue();
    }

    private static String abRow(Map<String, Object> r) {
        return r.get("as_of_date") + " " + r.get("experiment_id") + " " + r.get("variant") + " " + r.get("is_control")
                + " w" + ((Number) r.get("weight")).doubleValue()
                + " " + ((Number) r.get("users")).longValue() + " " + ((Number) r.get("converters")).longValue() + " "
                + ((Number) r.get("revenue_sum")).doubleValue() + " " + ((Number) r.get("revenue_sum_squares")).doubleValue();
    }
}
