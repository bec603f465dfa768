package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.support.Poison;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * kpiJob over a generated warehouse: a step forced to fail in the middle of a backfill (a CHECK constraint in the
 * real results store rejects one date) is restarted; committed slices are not redone, rows are not duplicated, and
 * the final rows equal those of an uninterrupted re-run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class KpiJobRestartTest {

    static final LocalDate FROM = LocalDate.of(2025, 2, 1);
    static final LocalDate TO = LocalDate.of(2025, 4, 30);
    static final LocalDate POISONED = LocalDate.of(2025, 3, 15);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Path dir = TestData.newDataDir("kpi-restart");
        registry.add("execkpi.data-dir", dir::toString);
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.thelook.start", () -> "2024-12-01");
        registry.add("execkpi.thelook.scale", () -> "0.05");
        registry.add("execkpi.kpi.slice-days", () -> "7");
    }

    @Autowired
    JobRunner jobRunner;
    @Autowired
    EmbeddedWarehouse embeddedWarehouse;
    @Autowired
    JdbcTemplate store;

    @Test
    void failedBackfillRestartsAtTheFirstUnfinishedSliceAndEndsLikeAnUninterruptedRun() throws Exception {
        embeddedWarehouse.ensureGeneratedThrough(TO);
        Poison.add(store, "poison", "kpi_funnel_daily", "date", POISONED);

        JobRequest request = new JobRequest(TO, FROM, false);
        JobExecution first = jobRunner.run(KpiJobConfiguration.JOB_NAME, request);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
        // revenue_daily (step 1) finished; funnel_daily (step 2) committed its slices before the poisoned one:
        // slices of 7 days from 02-01, the poisoned date opens the slice 03-15..03-21
        assertThat(ledgerDates("revenue_daily", first.getId())).isEqualTo(89);
        assertThat(maxLedgerDate("funnel_daily")).isEqualTo(POISONED.minusDays(1));
        assertThat(store.queryForObject("SELECT MAX(date) FROM kpi_funnel_daily", LocalDate.class))
                .isEqualTo(POISONED.minusDays(1));
        assertThat(ledgerDates("retention_weekly", null)).isZero();

        Poison.remove(store, "poison", "kpi_funnel_daily");
        JobExecution restarted = jobRunner.run(KpiJobConfiguration.JOB_NAME, request);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstanceId()).isEqualTo(first.getJobInstanceId());
        // nothing committed by the first execution was redone
        assertThat(ledgerDates("revenue_daily", first.getId())).isEqualTo(89);
        assertThat(ledgerDates("funnel_daily", first.getId())).isEqualTo(42); // 02-01..03-14
        assertThat(ledgerDates("funnel_daily", restarted.getId())).isEqualTo(89 - 42);
        assertThat(restarted.getStepExecutions()).extracting(s -> s.getStepName())
                .doesNotContain("kpi_revenue_daily");
        Map<String, List<Map<String, Object>>> afterRestart = snapshot();
        assertThat(afterRestart.get("kpi_revenue_daily")).hasSize(89);
        assertThat(afterRestart.get("kpi_funnel_daily")).hasSize(89);

        // a deliberate re-run of the completed range (rerun=true) is a new, uninterrupted run: identical rows
        JobExecution rerun = jobRunner.run(KpiJobConfiguration.JOB_NAME, new JobRequest(TO, FROM, true));
        assertThat(rerun.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(rerun.getJobInstanceId()).isNotEqualTo(first.getJobInstanceId());
        assertThat(snapshot()).isEqualTo(afterRestart);

        // without rerun, a completed instance is not run again
        JobExecution again = jobRunner.run(KpiJobConfiguration.JOB_NAME, request);
        assertThat(again.getId()).isEqualTo(restarted.getId());
    }

    private int ledgerDates(String kpi, Long executionId) {
        return io.execkpi.support.Ledger.count(store, kpi, executionId);
    }

    private LocalDate maxLedgerDate(String kpi) {
        return store.queryForObject("SELECT MAX(business_date) FROM kpi_materialization WHERE kpi = ?",
                LocalDate.class, kpi);
    }

    private Map<String, List<Map<String, Object>>> snapshot() {
        Map<String, List<Map<String, Object>>> tables = new HashMap<>();
        tables.put("kpi_revenue_daily", store.queryForList("SELECT * FROM kpi_revenue_daily ORDER BY date"));
        tables.put("kpi_funnel_daily", store.queryForList("SELECT * FROM kpi_funnel_daily ORDER BY date"));
        tables.put("kpi_retention_weekly",
                store.queryForList("SELECT * FROM kpi_retention_weekly ORDER BY cohort_week, week_n"));
        tables.put("kpi_ab_metrics",
                store.queryForList("SELECT * FROM kpi_ab_metrics ORDER BY as_of_date, experiment_id, variant"));
        return tables;
    }
}
