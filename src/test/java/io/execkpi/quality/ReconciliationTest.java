package io.execkpi.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shipped reconciliation test of {@code revenue_daily}: a month of revenue (month to date while it runs) equals the
 * warehouse's own total. The reference numbers are computed here by separate queries: the store's sum of the
 * materialized daily revenue, and the sum of {@code sale_price} over the items of completed orders straight from the
 * warehouse. A price changed in the warehouse after its day was materialized (outside the next run's lookback) shows
 * up as a warning whose difference is exactly that change, and is alerted; rerunning the month clears it.
 */
class ReconciliationTest {

    static final String CHECK = "reconcile(revenue,revenue_month_total)";
    static final LocalDate FEB_END = LocalDate.of(2025, 2, 28);
    static final LocalDate D = LocalDate.of(2025, 3, 20);

    @Test
    void aMonthOfRevenueReconcilesWithTheWarehouseAndAChangedPriceIsCaught() throws Exception {
        Path dir = TestData.newDataDir("reconcile");
        try (ConfigurableApplicationContext app = TestApps.start(dir, "2025-01-01", "0.05",
                "--execkpi.alerts.webhooks[0].url=http://127.0.0.1:9/hook", "--execkpi.alerts.poll-interval=1h")) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(D);
            JdbcTemplate warehouse = new JdbcTemplate(
                    app.getBean(WarehouseConfiguration.WarehouseConnection.class).dataSource());
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            JobRunner jobs = app.getBean(JobRunner.class);
            assertThat(jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(D, LocalDate.of(2025, 2, 1), false))
                    .getStatus()).isEqualTo(BatchStatus.COMPLETED);

            // February: whole month, recorded on its last day
            Map<String, Object> feb = result(store, FEB_END);
            assertThat(feb.get("STATUS")).isEqualTo("pass");
            double febKpi = kpiSum(store, LocalDate.of(2025, 2, 1), FEB_END);
            double febWarehouse = warehouseTotal(warehouse, LocalDate.of(2025, 2, 1), FEB_END);
            assertThat(febWarehouse).isPositive();
            assertThat(((Number) feb.get("OBSERVED")).doubleValue()).isCloseTo(Math.abs(febKpi - febWarehouse),
                    within(1e-6));
            assertThat(Math.abs(febKpi - febWarehouse)).isLessThanOrEqualTo(0.005 * 28);
            // March to date
            assertThat(result(store, D).get("STATUS")).isEqualTo("pass");

            // an item of a completed order of early March (before the rerun's lookback, 03-18..03-20) costs 10 more in
            // the warehouse after its day was materialized
            long item = warehouse.queryForObject("SELECT MIN(oi.id) FROM order_items oi JOIN orders o"
                    + " ON o.order_id = oi.order_id WHERE o.status = 'Complete'"
                    + " AND CAST(o.created_at AS DATE) BETWEEN ? AND ?", Long.class, LocalDate.of(2025, 3, 1),
                    LocalDate.of(2025, 3, 17));
            warehouse.update("UPDATE order_items SET sale_price = sale_price + 10 WHERE id = ?", item);
            double marchKpi = kpiSum(store, LocalDate.of(2025, 3, 1), D);
            double marchWarehouse = warehouseTotal(warehouse, LocalDate.of(2025, 3, 1), D);
            assertThat(jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(D, null, true)).getStatus())
                    .as("a warning does not hold the night back").isEqualTo(BatchStatus.COMPLETED);
            Map<String, Object> march = result(store, D);
            assertThat(march.get("STATUS")).isEqualTo("warn");
            // the rerun re-materialized 03-18..03-20 with unchanged data: the difference is the price change
            assertThat(((Number) march.get("OBSERVED")).doubleValue()).isCloseTo(Math.abs(marchKpi - marchWarehouse),
                    within(1e-6)).isCloseTo(10, within(0.005 * 20));
            assertThat((String) march.get("MESSAGE")).contains("2025-03-01..2025-03-20");
            assertThat(store.queryForList("SELECT dedup_key FROM alert_outbox WHERE event = 'data-test-failed'",
                    String.class)).containsExactly("data-test-failed/revenue_daily/" + D + "/" + CHECK + "/warn");

            // rerunning the month brings it back in line
            assertThat(jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(D, LocalDate.of(2025, 3, 1), true))
                    .getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(result(store, D).get("STATUS")).isEqualTo("pass");
        }
    }

    private static Map<String, Object> result(JdbcTemplate store, LocalDate date) {
        return store.queryForMap("SELECT status, observed, message FROM quality_result WHERE kpi = 'revenue_daily'"
                + " AND business_date = ? AND check_name = ?", date, CHECK);
    }

    private static double kpiSum(JdbcTemplate store, LocalDate from, LocalDate to) {
        return store.queryForObject("SELECT SUM(revenue) FROM kpi_revenue_daily WHERE date BETWEEN ? AND ?",
                Double.class, from, to);
    }

    private static double warehouseTotal(JdbcTemplate warehouse, LocalDate from, LocalDate to) {
        return warehouse.queryForObject("SELECT SUM(oi.sale_price) FROM orders o, order_items oi"
                + " WHERE oi.order_id = o.order_id AND o.status = 'Complete'"
                + " AND CAST(o.created_at AS DATE) BETWEEN ? AND ?", Double.class, from, to);
    }
}
