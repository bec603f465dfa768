package io.execkpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.jobs.NightlyJobConfiguration;
import io.execkpi.jobs.OrphanedInstances;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestClock;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Job instances without an execution (a process killed after Spring Batch committed the instance and before it
 * created the first execution) block nothing. The state is made on purpose: a completed nightlyJob (with its
 * child jobs) and a kpiJob backfill whose execution rows are deleted. Then the failed-nights banner names the night,
 * a web start repairs the orphans in one log line and its catch-up completes the night on the same instance, and the
 * same backfill command exits 0 and materializes its dates again; no ERROR line anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class OrphanedInstanceRecoveryTest {

    static final LocalDate NIGHT = TestClock.YESTERDAY;
    static final LocalDate BACKFILL_TO = NIGHT.minusDays(10);
    static final LocalDate BACKFILL_FROM = NIGHT.minusDays(20);

    @Test
    void instancesWithoutAnExecutionAreRepairedAndRunToCompletion(CapturedOutput output) throws Exception {
        Path dir = TestData.newDataDir("orphans");
        Object start = NIGHT.minusDays(120);
        String scale = "0.1"; // enough converters for mlJob, as FailedNightCatchUpTest
        String[] schedule = {"--execkpi.schedule.nightly=0 0 3 1 1 *", "--execkpi.schedule.catch-up-days=1",
                "--execkpi.bootstrap.backfill-days=1"};
        Map<String, Long> instances;
        try (ConfigurableApplicationContext app = TestApps.start(dir, start, scale, schedule)) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(NIGHT);
            JobRunner runner = app.getBean(JobRunner.class);
            assertThat(runner.run(NightlyJobConfiguration.JOB_NAME, new JobRequest(NIGHT, null, false)).getStatus())
                    .isEqualTo(BatchStatus.COMPLETED);
            assertThat(runner.run(KpiJobConfiguration.JOB_NAME, new JobRequest(BACKFILL_TO, BACKFILL_FROM, false))
                    .getStatus()).isEqualTo(BatchStatus.COMPLETED);
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            instances = instanceIds(store);
            // nightlyJob, its three child jobs for the night, and the backfill
            assertThat(instances).containsOnlyKeys("nightlyJob", "kpiJob " + NIGHT, "abJob " + NIGHT,
                    mlJobKey(instances), "kpiJob " + BACKFILL_TO);
            deleteEveryExecution(store);
            store.update("DELETE FROM kpi_revenue_daily WHERE date BETWEEN ? AND ?", BACKFILL_FROM, BACKFILL_TO);
            assertThat(store.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE", Integer.class)).isEqualTo(5);

            // a long-running web app meets the orphan (made by another process): the banner names the night
            assertThat(app.getBean(JobLifecycle.class).failedNights()).containsExactly(NIGHT);
            assertThat(app.getBean(io.execkpi.dashboard.DashboardModelAdvice.class).failedNights())
                    .containsExactly(NIGHT);
        }

        // a web start: the start-up recovery repairs the night's four orphans, its catch-up restarts the night
        try (ConfigurableApplicationContext app = TestApps.start(dir, start, scale,
                with(schedule, "--execkpi.bootstrap.enabled=true"))) {
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            assertThat(output.getOut()).containsOnlyOnce("job instances without an execution");
            assertThat(lines(output, "job instances without an execution")).singleElement().asString()
                    .contains("repaired nightlyJob date=" + NIGHT + " as FAILED execution", "kpiJob date=" + NIGHT,
                            "abJob date=" + NIGHT, "mlJob date=" + NIGHT)
                    .contains("; kpiJob instance " + instances.get("kpiJob " + BACKFILL_TO) + " (parameters other");
            List<Map<String, Object>> nightly = executions(store, instances.get("nightlyJob"));
            assertThat(nightly).extracting(r -> r.get("STATUS")).containsExactly("FAILED", "COMPLETED");
            assertThat(nightly.get(0).get("EXIT_MESSAGE")).isEqualTo(OrphanedInstances.NOTE);
            // (the ML step chooses its job again on the restart: the model the first run trained is not due, so it
            // scores with mlScoreJob, and the repaired mlJob instance stays a FAILED attempt on record)
            for (String child : List.of("kpiJob " + NIGHT, "abJob " + NIGHT)) {
                assertThat(executions(store, instances.get(child))).as(child).extracting(r -> r.get("STATUS"))
                        .containsExactly("FAILED", "COMPLETED");
            }
            assertThat(app.getBean(JobLifecycle.class).failedNights()).isEmpty();
            assertThat(store.queryForObject("SELECT COUNT(*) FROM ab_results WHERE evaluation_date = ?",
                    Integer.class, NIGHT)).isPositive();
        }

        // the same backfill command as before the kill: exit 0, its dates materialized again, on the same instance
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CommandLine.run(new String[] {"run", "kpiJob", "date=" + BACKFILL_TO, "from=" + BACKFILL_FROM,
                "--execkpi.data-dir=" + dir, "--execkpi.artifacts.dir=" + dir.resolve("artifacts"),
                "--execkpi.thelook.start=" + start, "--execkpi.thelook.scale=" + scale,
                "--execkpi.schedule.catch-up-days=1"}, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(exit).isZero();
        try (ConfigurableApplicationContext app = TestApps.start(dir, start, scale)) {
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            assertThat(executions(store, instances.get("kpiJob " + BACKFILL_TO))).extracting(r -> r.get("STATUS"))
                    .containsExactly("FAILED", "COMPLETED");
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date BETWEEN ? AND ?",
                    Integer.class, BACKFILL_FROM, BACKFILL_TO)).isEqualTo(11);
            assertThat(store.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE WHERE JOB_NAME = 'kpiJob'",
                    Integer.class)).isEqualTo(2);
        }
        assertThat(lines(output, " ERROR ")).isEmpty();
        assertThat(output.getOut()).doesNotContain("Cannot find any job execution");
    }

    /** What a kill between the two transactions leaves, for every instance: no execution rows at all. */
    static void deleteEveryExecution(JdbcTemplate store) {
        for (String table : List.of("BATCH_STEP_EXECUTION_CONTEXT", "BATCH_STEP_EXECUTION",
                "BATCH_JOB_EXECUTION_CONTEXT", "BATCH_JOB_EXECUTION_PARAMS", "BATCH_JOB_EXECUTION")) {
            store.update("DELETE FROM " + table);
        }
    }

    /** Instance id by "job date" (the nightly instance by its job name alone). */
    private static Map<String, Long> instanceIds(JdbcTemplate store) {
        Map<String, Long> ids = new java.util.LinkedHashMap<>();
        store.query("SELECT i.JOB_INSTANCE_ID, i.JOB_NAME, p.PARAMETER_VALUE FROM BATCH_JOB_INSTANCE i"
                + " JOIN BATCH_JOB_EXECUTION e ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID"
                + " JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID"
                + " WHERE p.PARAMETER_NAME = 'date' ORDER BY i.JOB_INSTANCE_ID", row -> {
                    String job = row.getString(2);
                    ids.put(job.equals("nightlyJob") ? job : job + " " + row.getString(3), row.getLong(1));
                });
        return ids;
    }

    private static String mlJobKey(Map<String, Long> instances) {
        return instances.keySet().stream().filter(k -> k.startsWith("ml")).findFirst().orElse("mlJob " + NIGHT);
    }

    private static List<Map<String, Object>> executions(JdbcTemplate store, long instance) {
        return store.queryForList("SELECT STATUS, EXIT_MESSAGE FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?"
                + " ORDER BY JOB_EXECUTION_ID", instance);
    }

    private static List<String> lines(CapturedOutput output, String containing) {
        return output.getAll().lines().filter(l -> l.contains(containing)).toList();
    }

    private static String[] with(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
