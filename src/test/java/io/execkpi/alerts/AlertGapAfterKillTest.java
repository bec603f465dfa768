package io.execkpi.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.ChildJvm;
import io.execkpi.support.TestData;
import io.execkpi.support.WebhookReceiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.json.JsonMapper;

/**
 * The crash gap of the job alerts: a child JVM ({@link AlertGapChild}) runs a kpiJob that fails its freshness gate and
 * is killed with SIGKILL in the job's {@code afterJob} callback, after its steps committed and before
 * {@link JobAlerts} queued {@code job-failed}. The store then holds the execution FAILED and no {@code job-failed} row
 * (checked by a start without webhooks). The application started again with its webhook: {@link AlertReconciler}
 * derives the lost alert from the job repository and the local HTTP receiver gets it exactly once, with the dedup key
 * {@code job-failed/kpiJob/<that execution id>}. A second failed run then queues its own alert on the normal path,
 * which the reconciliation does not queue again: each {@code job-failed} key reaches the receiver once, one outbox row
 * each.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class AlertGapAfterKillTest {

    static final LocalDate DATE = LocalDate.of(2025, 2, 10);

    @Test
    void aJobFailedAlertLostInTheCrashGapIsDerivedAgainAndSentOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            List<String> received = receiver.bodies();
            Path dir = TestData.newDataDir("alert-gap");
            List<String> args = List.of("--execkpi.data-dir=" + dir, "--execkpi.artifacts.dir=" + dir.resolve("a"),
                    "--execkpi.thelook.start=2025-01-01", "--execkpi.thelook.scale=0.05",
                    "--execkpi.bootstrap.enabled=false", "--execkpi.schedule.nightly=-",
                    "--execkpi.alerts.webhooks[0].url=" + receiver.url());

            List<String> childArgs = new ArrayList<>(List.of(DATE.toString()));
            childArgs.addAll(args);
            childArgs.add("--execkpi.alerts.poll-interval=1h");
            Process child = ChildJvm.start(dir, AlertGapChild.class, childArgs);
            // SIGKILL in afterJob: steps committed, job-failed not queued
            String gap = ChildJvm.killAt(child, line -> line.startsWith("gap "), line -> { });
            assertThat(gap).as("the child reached the gap").isNotNull().endsWith(" FAILED");
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            long lost = Long.parseLong(gap.split(" ")[1]);

            // the gap as the kill left it, seen by a start without webhooks (so nothing is derived yet): the
            // execution is stored FAILED (the flow records a failed step's job status before afterJob) and no
            // job-failed row exists
            List<String> noWebhook = args.stream().filter(a -> !a.startsWith("--execkpi.alerts.webhooks")).toList();
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                    .web(WebApplicationType.NONE).run(noWebhook.toArray(String[]::new))) {
                JdbcTemplate store = app.getBean(JdbcTemplate.class);
                assertThat(store.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?",
                        String.class, lost)).isEqualTo("FAILED");
                assertThat(jobFailedRows(store)).isEmpty();
            }

            List<String> restartArgs = new ArrayList<>(args);
            restartArgs.add("--execkpi.alerts.poll-interval=100ms");
            long again;
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                    .web(WebApplicationType.NONE).run(restartArgs.toArray(String[]::new))) {
                JdbcTemplate store = app.getBean(JdbcTemplate.class);
                String lostKey = "job-failed/kpiJob/" + lost;
                awaitReceived(received, List.of(lostKey));
                awaitRecorded(store);
                assertThat(jobFailedRows(store)).containsExactly(lostKey + " delivered");

                // the normal path: a second failed run queues its alert itself; the reconciliation adds nothing
                JobExecution second = app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME,
                        new JobRequest(DATE, DATE, false));
                assertThat(second.getStatus()).isEqualTo(BatchStatus.FAILED);
                again = second.getId();
                assertThat(again).isNotEqualTo(lost);
                assertThat(app.getBean(AlertReconciler.class).reconcile()).isZero();
                awaitReceived(received, List.of(lostKey, "job-failed/kpiJob/" + again));
                assertThat(app.getBean(AlertReconciler.class).reconcile()).isZero();
                awaitRecorded(store);
                app.getBean(AlertSender.class).sendDue();
                assertThat(jobFailedRows(store)).containsExactlyInAnyOrder(lostKey + " delivered",
                        "job-failed/kpiJob/" + again + " delivered");
            }
            assertThat(jobFailedKeys(received)).containsExactlyInAnyOrder("job-failed/kpiJob/" + lost,
                    "job-failed/kpiJob/" + again);
        }
    }

    private static List<String> jobFailedRows(JdbcTemplate store) {
        return store.queryForList("SELECT dedup_key || ' ' || status FROM alert_outbox WHERE event = 'job-failed'",
                String.class);
    }

    private static List<String> jobFailedKeys(List<String> received) {
        JsonMapper json = JsonMapper.builder().build();
        return received.stream().map(b -> json.readTree(b)).filter(n -> n.get("event").asString().equals("job-failed"))
                .map(n -> n.get("dedupKey").asString()).toList();
    }

    /** Waits (at most a minute) until the sender has recorded every delivery (the receiver answers first). */
    private static void awaitRecorded(JdbcTemplate store) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE event = 'job-failed'"
                + " AND status <> 'delivered'", Integer.class) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Waits (at most a minute) until the receiver has got {@code keys} as its job-failed alerts. */
    private static void awaitReceived(List<String> received, List<String> keys) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (jobFailedKeys(received).size() < keys.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(jobFailedKeys(received)).containsExactlyInAnyOrderElementsOf(keys);
    }
}
