package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.execkpi.alerts.Alert;
import io.execkpi.alerts.AlertProperties;
import io.execkpi.jobs.JobEndedEvent;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * {@code model-degraded}: a run is compared with the run published just before it; only an AUC drop beyond the
 * threshold (0.02 here) alerts, with both runs' numbers as written in their metrics.json.
 */
class ModelAlertsTest {

    @Test
    void anAucDropBeyondTheThresholdIsAlertedOncePerRun() throws Exception {
        Path dir = TestData.newDataDir("model-alerts").resolve("artifacts");
        MlArtifactStore store = new MlArtifactStore(new ArtifactsProperties(dir,
                new ArtifactsProperties.S3("", "", "", "", "", "", false, 3)));
        run(store, "2026-11-27_20261128023000", 0.8125);
        run(store, "2026-11-28_20261129023000", 0.7980); // −0.0145: within the threshold
        run(store, "2026-11-29_20261130023000", 0.7710); // −0.0270 from the previous run: beyond it
        AlertProperties properties = new AlertProperties(List.of(), 10, Duration.ofSeconds(5), Duration.ofMinutes(10),
                Duration.ofSeconds(2), Duration.ofSeconds(10), 0.02, 3, 7);
        ModelAlerts alerts = new ModelAlerts(null, properties, null, store);

        assertThat(alerts.check("2026-11-27_20261128023000", 1)).as("no previous run").isEmpty();
        assertThat(alerts.check("2026-11-28_20261129023000", 2)).isEmpty();
        Alert degraded = alerts.check("2026-11-29_20261130023000", 3).orElseThrow();
        assertThat(degraded.event()).isEqualTo("model-degraded");
        assertThat(degraded.dedupKey()).isEqualTo("model-degraded/2026-11-29_20261130023000");
        assertThat(degraded.details()).containsEntry("previousRunId", "2026-11-28_20261129023000")
                .containsEntry("auc", 0.7710).containsEntry("previousAuc", 0.7980);
        assertThat((Double) degraded.details().get("aucDrop")).isCloseTo(0.0270, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(degraded.summary()).isEqualTo("The published model of run 2026-11-29_20261130023000 has test AUC"
                + " 0.7710, 0.0270 below the previous run 2026-11-28_20261129023000 (0.7980; threshold 0.0200).");

        // what the reconciliation derives from a stored execution: the run id in its context, the metrics in the store
        JobExecution stored = new JobExecution(3, new JobInstance(7, MlJobConfiguration.JOB_NAME), new JobParameters());
        stored.getExecutionContext().putString(MlSteps.RUN_ID, "2026-11-29_20261130023000");
        assertThat(alerts.alertsFor(new JobEndedEvent(MlJobConfiguration.JOB_NAME, 3, "COMPLETED"), stored))
                .extracting(Alert::dedupKey).containsExactly("model-degraded/2026-11-29_20261130023000");
        assertThat(alerts.alertsFor(new JobEndedEvent(MlJobConfiguration.JOB_NAME, 3, "FAILED", "x"), stored))
                .as("a failed run published nothing").isEmpty();
        assertThat(alerts.alertsFor(new JobEndedEvent("kpiJob", 3, "COMPLETED"), stored)).isEmpty();
    }

    private static void run(MlArtifactStore store, String runId, double auc) throws Exception {
        Path run = store.runDir(runId);
        Files.createDirectories(run);
        Files.writeString(run.resolve(MlArtifactStore.METRICS), "{\"runId\":\"" + runId + "\",\"businessDate\":\""
                + runId.substring(0, 10) + "\",\"auc\":" + auc + ",\"averagePrecision\":0.3,\"brier\":0.1}");
    }
}
