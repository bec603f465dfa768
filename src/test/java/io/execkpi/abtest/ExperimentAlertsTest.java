package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.execkpi.alerts.Alert;
import io.execkpi.alerts.AlertReconciler;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Experiment alerts over real stored evaluations and assignment counts. The stored rows are then changed by hand
 * (what a night with that finding would have stored), and the expected alerts follow from those changes alone:
 * an SRM verdict on two consecutive evaluations is one episode, one dedup key, named by its first date; a cleared
 * and returned SRM is a new episode; an arm with no assigned user and an experiment whose assignment count stayed
 * flat for three days (the default {@code assignments-stalled-days}) give {@code experiment-health} alerts, a growing
 * experiment none.
 */
class ExperimentAlertsTest {

    static final LocalDate D = LocalDate.of(2025, 4, 30);

    @Test
    void srmEpisodesArmsWithoutTrafficAndStalledAssignments() throws Exception {
        Path dir = TestData.newDataDir("experiment-alerts");
        // scale 0.15: enough users come back (and are assigned) every day for the growth checked below
        try (ConfigurableApplicationContext app = TestApps.start(dir, "2025-01-01", "0.15",
                "--execkpi.alerts.webhooks[0].url=http://127.0.0.1:9/hook", "--execkpi.alerts.poll-interval=1h")) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(D);
            JobRunner jobs = app.getBean(JobRunner.class);
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            assertThat(jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(D, D.minusDays(10), false)).getStatus())
                    .isEqualTo(BatchStatus.COMPLETED);
            JobExecution before = jobs.run("abJob", new JobRequest(D.minusDays(1), null, false));
            JobExecution last = jobs.run("abJob", new JobRequest(D, null, false));
            assertThat(last.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            List<String> experiments = store.queryForList("SELECT DISTINCT experiment_id FROM ab_results"
                    + " WHERE evaluation_date = ? ORDER BY 1", String.class, D);
            assertThat(experiments).hasSizeGreaterThanOrEqualTo(2);
            // what abJob queued by itself agrees with its stored SRM verdicts (one key per mismatching experiment)
            List<String> mismatching = store.queryForList("SELECT DISTINCT experiment_id FROM ab_results"
                    + " WHERE evaluation_date >= ? AND srm_mismatch ORDER BY 1", String.class, D.minusDays(1));
            assertThat(store.queryForList("SELECT dedup_key FROM alert_outbox WHERE event = 'srm' ORDER BY 1",
                    String.class)).extracting(k -> k.split("/")[1]).containsExactlyElementsOf(mismatching);

            ExperimentAlerts alerts = app.getBean(ExperimentAlerts.class);
            String a = experiments.get(0);
            String b = experiments.get(1);
            store.update("UPDATE ab_results SET srm_mismatch = FALSE");
            store.update("UPDATE ab_results SET srm_mismatch = TRUE WHERE experiment_id = ?", a);
            store.update("UPDATE ab_results SET srm_mismatch = TRUE WHERE experiment_id = ? AND evaluation_date = ?",
                    b, D);
            assertThat(keys(alerts.check(D, last.getId()), "srm"))
                    .containsExactlyInAnyOrder("srm/" + a + "/" + D.minusDays(1), "srm/" + b + "/" + D);
            assertThat(keys(alerts.check(D.minusDays(1), before.getId()), "srm"))
                    .containsExactly("srm/" + a + "/" + D.minusDays(1));
            // the crash gap: the srm rows lost (as if the process died before queueing them); the reconciliation
            // derives them again from the stored verdicts of both abJob executions, once
            store.update("DELETE FROM alert_outbox WHERE event = 'srm'");
            AlertReconciler reconciler = app.getBean(AlertReconciler.class);
            reconciler.reconcile();
            assertThat(store.queryForList("SELECT dedup_key FROM alert_outbox WHERE event = 'srm'", String.class))
                    .containsExactlyInAnyOrder("srm/" + a + "/" + D.minusDays(1), "srm/" + b + "/" + D);
            store.update("DELETE FROM alert_outbox WHERE event = 'srm'");
            assertThat(reconciler.reconcile()).as("an execution is derived once per process").isZero();

            // growing experiments with traffic on every arm: no health alert
            assertThat(keys(alerts.check(D, last.getId()), "experiment-health")).isEmpty();
            // arm without traffic: every user of a's first arm gone; a stall: b's counts of D-3 kept through D
            String arm = store.queryForObject("SELECT MIN(variant) FROM kpi_ab_metrics WHERE experiment_id = ?",
                    String.class, a);
            store.update("UPDATE kpi_ab_metrics SET users = 0, converters = 0 WHERE experiment_id = ? AND variant = ?",
                    a, arm);
            for (int back = 2; back >= 0; back--) {
                store.update("UPDATE kpi_ab_metrics t SET users = (SELECT users FROM kpi_ab_metrics s WHERE"
                        + " s.experiment_id = t.experiment_id AND s.variant = t.variant AND s.as_of_date = ?)"
                        + " WHERE experiment_id = ? AND as_of_date = ?", D.minusDays(3), b, D.minusDays(back));
            }
            Map<String, Alert> health = new java.util.TreeMap<>();
            alerts.check(D, last.getId()).stream().filter(x -> x.event().equals("experiment-health"))
                    .forEach(x -> health.put(x.dedupKey(), x));
            // D-4 → D-3 still grew at this scale (checked: b's total of D-4 is below D-3's), so the stall began D-3
            long d4 = total(store, b, D.minusDays(4));
            long d3 = total(store, b, D.minusDays(3));
            assertThat(d4).isLessThan(d3);
            assertThat(health).containsOnlyKeys("experiment-health/" + a + "/no-traffic/" + arm,
                    "experiment-health/" + b + "/assignments-stopped/" + D.minusDays(3));
            Alert stalled = health.get("experiment-health/" + b + "/assignments-stopped/" + D.minusDays(3));
            assertThat(stalled.details()).containsEntry("users", d3).containsEntry("noNewUsersSince",
                    D.minusDays(3).toString());
            assertThat(stalled.summary()).contains("since " + D.minusDays(3));
        }
    }

    private static long total(JdbcTemplate store, String experiment, LocalDate date) {
        return store.queryForObject("SELECT SUM(users) FROM kpi_ab_metrics WHERE experiment_id = ? AND as_of_date = ?",
                Long.class, experiment, date);
    }

    private static List<String> keys(List<Alert> alerts, String event) {
        return alerts.stream().filter(a -> a.event().equals(event)).map(Alert::dedupKey).toList();
    }
}
