package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.execkpi.ExecKpiApplication;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.Poison;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A process dies in the middle of a backfill (simulated: its execution is left STARTED in the job repository, as a
 * kill -9 would leave it). The next start-up recovers it (FAILED, with a note) and a restart completes it without
 * redoing committed slices or duplicating rows.
 */
class CrashRecoveryTest {

    static final LocalDate FROM = LocalDate.of(2025, 2, 1);
    static final LocalDate TO = LocalDate.of(2025, 3, 31);

    ConfigurableApplicationContext start(Path dir, boolean bootstrap) {
        return new SpringApplicationBuilder(ExecKpiApplication.class).web(WebApplicationType.NONE).run(
                "--execkpi.data-dir=" + dir, "--execkpi.thelook.start=2025-01-01", "--execkpi.thelook.scale=0.03",
                "--execkpi.kpi.slice-days=10", "--execkpi.schedule.nightly=-", "--execkpi.bootstrap.backfill-days=1",
                // the dead process's execution was updated moments ago: with a shared store (PostgreSQL) only the
                // staleness rule tells it from a live one, so the test declares every running execution stale
                "--execkpi.schedule.stale-after=0s", "--execkpi.bootstrap.enabled=" + bootstrap);
    }

    @Test
    void anExecutionLeftStartedByADeadProcessIsRecoveredAtStartUpAndRestarts() throws Exception {
        Path dir = TestData.newDataDir("crash");
        JobRequest request = new JobRequest(TO, FROM, false);
        long crashed;
        try (ConfigurableApplicationContext first = start(dir, false)) {
            first.getBean(io.execkpi.warehouse.EmbeddedWarehouse.class).ensureGeneratedThrough(TO);
            JdbcTemplate store = first.getBean(JdbcTemplate.class);
            Poison.add(store, "crash_poison", "kpi_revenue_daily", "date", LocalDate.of(2025, 3, 5));
            JobExecution execution = first.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, request);
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
            Poison.remove(store, "crash_poison", "kpi_revenue_daily");
            crashed = execution.getId();
            // what a killed process leaves behind: the execution and its step still STARTED, no end time
            store.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'UNKNOWN', END_TIME = NULL"
                    + " WHERE JOB_EXECUTION_ID = ?", crashed);
            store.update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'EXECUTING', END_TIME = NULL"
                    + " WHERE JOB_EXECUTION_ID = ? AND STATUS = 'FAILED'", crashed);
        }
        try (ConfigurableApplicationContext second = start(dir, true)) {
            JobRepository repository = second.getBean(JobRepository.class);
            JobExecution recovered = repository.getJobExecution(crashed);
            assertThat(recovered.getStatus()).isEqualTo(BatchStatus.FAILED);

            JobExecution restarted = second.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, request);
            assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(restarted.getJobInstanceId()).isEqualTo(recovered.getJobInstanceId());
            JdbcTemplate store = second.getBean(JdbcTemplate.class);
            // every date once; the slices committed before the crash were not redone
            List<Map<String, Object>> counts = store.queryForList("SELECT date, COUNT(*) AS n FROM kpi_revenue_daily"
                    + " WHERE date BETWEEN ? AND ? GROUP BY date HAVING COUNT(*) > 1", FROM, TO);
            assertThat(counts).isEmpty();
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date BETWEEN ? AND ?",
                    Integer.class, FROM, TO)).isEqualTo(59);
            // 02-01..03-02 (three slices of 10 days: 28 February days + 2) were committed by the crashed execution
            assertThat(io.execkpi.support.Ledger.dates(store, "revenue_daily", FROM, TO, crashed)).hasSize(30);
        }
    }

    @Test
    void aScheduledLaunchOnASecondInstanceSharingTheRepositoryDoesNothing() throws Exception {
        Path dir = TestData.newDataDir("replicas");
        String store = "jdbc:h2:mem:replicas-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        String[] args = {"--execkpi.data-dir=" + dir, "--execkpi.store.jdbc-url=" + store,
                "--execkpi.thelook.start=2025-01-01", "--execkpi.thelook.scale=0.02", "--execkpi.schedule.nightly=-",
                "--execkpi.schedule.catch-up-days=1",
                // both instances open the same DuckDB warehouse file: the driver shares one database per file
                "--execkpi.bootstrap.enabled=false"};
        try (ConfigurableApplicationContext a = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE).run(args);
             ConfigurableApplicationContext b = new SpringApplicationBuilder(ExecKpiApplication.class)
                     .web(WebApplicationType.NONE).run(args)) {
            LocalDate yesterday = a.getBean(io.execkpi.config.ExecKpiProperties.class).yesterday(a.getBean(java.time.Clock.class));
            a.getBean(io.execkpi.warehouse.EmbeddedWarehouse.class).ensureGeneratedThrough(yesterday);
            a.getBean(JobLifecycle.class).nightly();
            b.getBean(JobLifecycle.class).nightly();
            JdbcTemplate jdbc = a.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                    + " ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID WHERE i.JOB_NAME = 'nightlyJob'", Integer.class))
                    .isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                    + " ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID WHERE i.JOB_NAME = 'nightlyJob'", String.class))
                    .isEqualTo("COMPLETED");
        }
    }

    @Test
    void aCleanShutdownStopsRunningExecutionsAtASafePointAndLeavesNoneStarted() throws Exception {
        Path dir = TestData.newDataDir("shutdown");
        long id;
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE).run("--execkpi.data-dir=" + dir, "--execkpi.thelook.start=2025-01-01",
                        "--execkpi.thelook.scale=0.03", "--execkpi.kpi.slice-days=1", "--execkpi.schedule.nightly=-",
                        "--execkpi.bootstrap.enabled=false");
        try {
            app.getBean(io.execkpi.warehouse.EmbeddedWarehouse.class).ensureGeneratedThrough(TO);
            JobExecution running = app.getBean(JobControlService.class).launch(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(TO, LocalDate.of(2025, 1, 2), false));
            id = running.getId();
            JobRepository repository = app.getBean(JobRepository.class);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (repository.getJobExecution(id).getStatus() != BatchStatus.STARTED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(repository.getJobExecution(id).getStatus()).isEqualTo(BatchStatus.STARTED);
        } finally {
            app.close(); // what SIGTERM does: the shutdown hook closes the context
        }
        try (ConfigurableApplicationContext after = start(dir, false)) {
            JobExecution stopped = after.getBean(JobRepository.class).getJobExecution(id);
            assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
            assertThat(stopped.getEndTime()).isNotNull();
            // and it is restartable to completion
            JobExecution restarted = after.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(TO, LocalDate.of(2025, 1, 2), false));
            assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        }
    }
}
