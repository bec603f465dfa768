package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.execkpi.support.Poison;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInstance;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The KPI step alone ({@code kpi_revenue_daily} of {@code kpiJob}, run by spring-batch-test's
 * {@link JobOperatorTestUtils#startStep} in its single-step surrogate job) on a hand-written in-memory DuckDB warehouse
 * of ten days and an in-memory H2 results store and job repository: how a business-date range is sliced, and how a
 * failed step resumes. Each step run takes milliseconds (the generated-warehouse versions of these properties are the
 * end-to-end {@code KpiJobRestartTest} and {@code CrashRecoveryTest}).
 *
 * <p>Warehouse: on day {@code i} of 2025-03-01..2025-03-10 one completed order with {@code i} items of 10.00 each, and
 * one cancelled order of 99.00 that no KPI counts. So revenue_daily must be, by hand: orders 1, items {@code i},
 * revenue and aov {@code 10 × i} on day {@code i}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a tasklet that stops advancing fails here instead of hanging the build
class KpiStepTest {

    static final LocalDate FIRST = LocalDate.of(2025, 3, 1);
    static final LocalDate LAST = LocalDate.of(2025, 3, 10);
    static final String STEP = "kpi_revenue_daily";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String id = UUID.randomUUID().toString().replace("-", "");
        registry.add("execkpi.data-dir", () -> TestData.newDataDir("kpi-step").toString());
        registry.add("execkpi.warehouse.jdbc-url", () -> "jdbc:duckdb:memory:kpistep_" + id);
        registry.add("execkpi.store.jdbc-url", () -> "jdbc:h2:mem:kpistep_" + id + ";DB_CLOSE_DELAY=-1");
        registry.add("execkpi.thelook.generate", () -> "false");
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
        registry.add("execkpi.kpi.slice-days", () -> "3");
    }

    @Autowired
    WarehouseConfiguration.WarehouseConnection warehouse;
    @Autowired
    JdbcTemplate store;
    @Autowired
    JobRepository jobRepository;
    @Autowired
    JobOperator jobOperator;
    @Autowired
    @Qualifier(KpiJobConfiguration.JOB_NAME)
    Job kpiJob;

    JobOperatorTestUtils batch;

    @BeforeAll
    void handWrittenWarehouse() {
        JdbcTemplate dw = new JdbcTemplate(warehouse.dataSource());
        dw.execute("CREATE TABLE orders (order_id BIGINT, user_id BIGINT, status VARCHAR, created_at TIMESTAMP)");
        dw.execute("CREATE TABLE order_items (id BIGINT, order_id BIGINT, sale_price DOUBLE)");
        long item = 0;
        for (int i = 1; i <= 10; i++) {
            LocalDate day = FIRST.plusDays(i - 1);
            // the last day's order at 23:30 makes the orders table fresh through the end of the range
            dw.update("INSERT INTO orders VALUES (?, ?, 'Complete', ?)", 2L * i, (long) i,
                    Timestamp.valueOf(day.atTime(i == 10 ? 23 : 12, 30)));
            for (int k = 0; k < i; k++) {
                dw.update("INSERT INTO order_items VALUES (?, ?, 10.0)", ++item, 2L * i);
            }
            dw.update("INSERT INTO orders VALUES (?, ?, 'Cancelled', ?)", 2L * i + 1, (long) i,
                    Timestamp.valueOf(day.atTime(9, 0)));
            dw.update("INSERT INTO order_items VALUES (?, ?, 99.0)", ++item, 2L * i + 1);
        }
    }

    @BeforeEach
    void emptyResults() {
        batch = new JobOperatorTestUtils(jobOperator, jobRepository);
        batch.setJob(kpiJob);
        store.update("DELETE FROM kpi_revenue_daily");
        store.update("DELETE FROM kpi_materialization");
        store.update("DELETE FROM quality_result");
    }

    static JobParameters range(LocalDate from, LocalDate to, String run) {
        return new JobParametersBuilder().addLocalDate("date", to).addLocalDate("from", from)
                .addString("test-run", run).toJobParameters();
    }

    @Test
    void aRangeIsMaterializedInSlicesOfSliceDaysOneTransactionEach() {
        JobExecution run = batch.startStep(STEP, range(FIRST, LAST, "slices"), new ExecutionContext());

        StepExecution step = only(run);
        assertThat(step.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        // 10 dates in slices of 3: 03-01..03, 04..06, 07..09, 10: four warehouse queries, one commit each
        assertThat(step.getReadCount()).isEqualTo(4);
        assertThat(step.getCommitCount()).isEqualTo(4);
        assertThat(step.getWriteCount()).isEqualTo(10);
        assertThat(step.getExecutionContext().getString(MaterializeKpiTasklet.NEXT_DATE)).isEqualTo("2025-03-11");
        // the freshness gate runs once per slice, for the slice's last date
        assertThat(store.queryForList("SELECT business_date FROM quality_result WHERE job_execution_id = ? AND"
                + " kpi = 'revenue_daily' AND kind = 'freshness' ORDER BY business_date", LocalDate.class, run.getId()))
                .containsExactly(LocalDate.of(2025, 3, 3), LocalDate.of(2025, 3, 6), LocalDate.of(2025, 3, 9),
                        LAST);
        assertThat(rows()).containsExactlyElementsOf(expected(FIRST, LAST));
        assertThat(ledger(run.getId())).isEqualTo(10);
        report("4 slices", step);
    }

    @Test
    void aFailedStepResumesAtItsFirstUnfinishedSliceAndWritesEveryRowExactlyOnce() {
        // the results store refuses 03-05: the second slice (03-04..03-06) fails, the first stays committed
        Poison.add(store, "step_poison", "kpi_revenue_daily", "date", LocalDate.of(2025, 3, 5));
        JobParameters parameters = range(FIRST, LAST, "resume");
        JobExecution failed;
        try {
            failed = batch.startStep(STEP, parameters, new ExecutionContext());
        } finally {
            Poison.remove(store, "step_poison", "kpi_revenue_daily");
        }
        StepExecution first = only(failed);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(first.getCommitCount()).isEqualTo(1);
        assertThat(first.getWriteCount()).isEqualTo(3);
        assertThat(first.getExecutionContext().getString(MaterializeKpiTasklet.NEXT_DATE)).isEqualTo("2025-03-04");
        assertThat(rows()).containsExactlyElementsOf(expected(FIRST, LocalDate.of(2025, 3, 3)));
        assertThat(ledger(failed.getId())).isEqualTo(3);

        // the same parameters restart the failed instance: the step continues at 03-04 and never redoes 03-01..03
        JobExecution restarted = batch.startStep(STEP, parameters, new ExecutionContext());
        assertThat(restarted.getJobInstanceId()).isEqualTo(failed.getJobInstanceId());
        StepExecution second = only(restarted);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getReadCount()).isEqualTo(3); // 03-04..06, 07..09, 10
        assertThat(second.getWriteCount()).isEqualTo(7);
        assertThat(ledger(failed.getId())).isEqualTo(3);
        assertThat(ledger(restarted.getId())).isEqualTo(7);
        assertThat(io.execkpi.support.Ledger.count(store, "revenue_daily", null)).isEqualTo(10);
        // every date once, with the hand-computed values
        assertThat(rows()).containsExactlyElementsOf(expected(FIRST, LAST));
        report("failed after slice 1", first);
        report("resumed, 3 slices", second);
    }

    private static StepExecution only(JobExecution execution) {
        assertThat(execution.getStepExecutions()).hasSize(1);
        return execution.getStepExecutions().iterator().next();
    }

    /** (date, orders, items, revenue, aov) of the stored rows, ordered by date. */
    private List<List<Object>> rows() {
        return store.query("SELECT date, orders, items, revenue, aov FROM kpi_revenue_daily ORDER BY date",
                (rs, n) -> List.of(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3),
                        rs.getDouble(4), rs.getDouble(5)));
    }

    /** The fixture's revenue_daily by hand: day i has 1 order, i items, revenue = aov = 10·i. */
    private static List<List<Object>> expected(LocalDate from, LocalDate to) {
        List<List<Object>> rows = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            int i = d.getDayOfMonth();
            rows.add(List.of(d, 1L, (long) i, 10.0 * i, 10.0 * i));
        }
        return rows;
    }

    private int ledger(long jobExecutionId) {
        return io.execkpi.support.Ledger.count(store, "revenue_daily", jobExecutionId);
    }

    private static void report(String what, StepExecution step) {
        System.out.println("KpiStepTest " + what + ": " + Duration.between(step.getStartTime(), step.getEndTime())
                .toMillis() + " ms");
    }
}
