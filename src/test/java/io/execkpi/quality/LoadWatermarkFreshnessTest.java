package io.execkpi.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;

import io.execkpi.jobs.ExitMessages;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Source freshness on the embedded warehouse uses the generator's load watermark ({@code thelook_meta.last_generated},
 * committed with the rows of every generated day): a day the warehouse is loaded through but that holds no order at
 * all (a quiet day at a tiny scale) is fresh, and materializes zeros; a day past the watermark is stale however late
 * the last row of the day before is.
 */
class LoadWatermarkFreshnessTest {

    static final LocalDate D = LocalDate.of(2025, 3, 12);

    @Test
    void aLoadedDayWithoutOrdersIsFreshAndADayPastTheWatermarkIsStale() throws Exception {
        Path dir = TestData.newDataDir("watermark");
        try (ConfigurableApplicationContext app = TestApps.start(dir, "2025-01-01", "0.02")) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(D);
            JdbcTemplate warehouse = new JdbcTemplate(
                    app.getBean(WarehouseConfiguration.WarehouseConnection.class).dataSource());
            // a day without a single order (its items go with them), loaded: the watermark is D
            warehouse.update("DELETE FROM order_items WHERE order_id IN (SELECT order_id FROM orders"
                    + " WHERE CAST(created_at AS DATE) = ?)", D);
            warehouse.update("DELETE FROM orders WHERE CAST(created_at AS DATE) = ?", D);
            assertThat(warehouse.queryForObject("SELECT COUNT(*) FROM orders WHERE created_at >= ?", Long.class,
                    D.atStartOfDay())).isZero();
            JobRunner jobs = app.getBean(JobRunner.class);
            JdbcTemplate store = app.getBean(JdbcTemplate.class);

            JobExecution quiet = jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(D, D, false));
            assertThat(quiet.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            Map<String, Object> row = store.queryForMap("SELECT orders, revenue FROM kpi_revenue_daily WHERE date = ?", D);
            assertThat(((Number) row.get("orders")).longValue()).isZero();
            assertThat(((Number) row.get("revenue")).doubleValue()).isZero();
            assertThat(store.queryForObject("SELECT status FROM quality_result WHERE kpi = 'revenue_daily'"
                    + " AND business_date = ? AND check_name = 'freshness(orders)'", String.class, D)).isEqualTo("pass");

            // the watermark says the day has not arrived: stale, whatever rows the day before holds
            warehouse.update("UPDATE thelook_meta SET last_generated = ?", D.minusDays(1));
            JobExecution stale = jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(D, D, true));
            assertThat(stale.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(stale.getStepExecutions().stream().filter(s -> s.getStatus() == BatchStatus.FAILED)
                    .map(s -> ExitMessages.forOperator(s.getExitStatus().getExitDescription())).findFirst())
                    .hasValueSatisfying(m -> assertThat(m).startsWith("source `orders` has data only through "
                            + D.minusDays(1) + " 23:59 UTC, not through the end of " + D));
        }
    }
}
