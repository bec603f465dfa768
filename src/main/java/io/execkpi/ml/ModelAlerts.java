package io.execkpi.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.execkpi.alerts.Alert;
import io.execkpi.alerts.AlertOutbox;
import io.execkpi.alerts.AlertProperties;
import io.execkpi.alerts.JobEndAlerts;
import io.execkpi.jobs.JobEndedEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code model-degraded} (warn): when an {@code mlJob} execution of this process completes, the test AUC of the run it
 * published ({@code metrics.json}) is compared with the run published just before it (run ids sort by business date,
 * then start); a drop of more than {@code execkpi.alerts.model-auc-drop} (absolute AUC units) is alerted once per run
 * ({@code model-degraded/<run id>}), with both runs' AUC, average precision and Brier score. Queued after the run was
 * published; the run id is stored in the execution's context and the metrics in the artifact store, so
 * {@link io.execkpi.alerts.AlertReconciler} derives a lost alert again. Never fails the job.
 */
@Component
public class ModelAlerts implements JobEndAlerts {

    private static final Logger log = LoggerFactory.getLogger(ModelAlerts.class);

    private final AlertOutbox outbox;
    private final AlertProperties properties;
    private final JobRepository jobRepository;
    private final MlArtifactStore store;
    private final JsonMapper json = JsonMapper.builder().build();

    public ModelAlerts(AlertOutbox outbox, AlertProperties properties, JobRepository jobRepository,
                       MlArtifactStore store) {
        this.outbox = outbox;
        this.properties = properties;
        this.jobRepository = jobRepository;
        this.store = store;
    }

    /** Compares the run a completed mlJob execution of this process published with the previous run. */
    @EventListener
    public void jobEnded(JobEndedEvent event) {
        if (!event.jobName().equals(MlJobConfiguration.JOB_NAME) || properties.webhooks().isEmpty()) {
            return;
        }
        try {
            alertsFor(event, jobRepository.getJobExecution(event.executionId())).forEach(outbox::enqueue);
        } catch (RuntimeException e) {
            log.error("Could not compare the model of mlJob execution {} with the previous run: {}",
                    event.executionId(), e.toString());
        }
    }

    /**
     * The alert of a completed mlJob execution: {@link #check} of the run id in its execution context; nothing for
     * another job, another status or an execution that published no run.
     *
     * @throws UncheckedIOException when the artifact store cannot be read
     */
    @Override
    public List<Alert> alertsFor(JobEndedEvent ended, JobExecution execution) {
        if (!ended.jobName().equals(MlJobConfiguration.JOB_NAME) || !ended.status().equals("COMPLETED")
                || execution == null || !execution.getExecutionContext().containsKey(MlSteps.RUN_ID)) {
            return List.of();
        }
        try {
            return check(execution.getExecutionContext().getString(MlSteps.RUN_ID), ended.executionId()).stream()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The alert for a published run whose test AUC is more than the threshold below the previous run's, if any.
     *
     * @param executionId the mlJob execution that published it (a detail of the alert)
     */
    public Optional<Alert> check(String runId, long executionId) throws IOException {
        List<String> runs = store.runIds(); // newest first
        int at = runs.indexOf(runId);
        if (at < 0 || at + 1 >= runs.size()) {
            return Optional.empty();
        }
        String previousId = runs.get(at + 1);
        JsonNode current = metrics(runId);
        JsonNode previous = metrics(previousId);
        if (current == null || previous == null) {
            return Optional.empty();
        }
        double auc = current.get("auc").asDouble();
        double previousAuc = previous.get("auc").asDouble();
        double drop = previousAuc - auc;
        if (!(drop > properties.modelAucDrop())) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("runId", runId);
        details.put("businessDate", current.get("businessDate").asString());
        details.put("previousRunId", previousId);
        details.put("auc", auc);
        details.put("previousAuc", previousAuc);
        details.put("aucDrop", drop);
        details.put("threshold", properties.modelAucDrop());
        details.put("averagePrecision", current.get("averagePrecision").asDouble());
        details.put("previousAveragePrecision", previous.get("averagePrecision").asDouble());
        details.put("brier", current.get("brier").asDouble());
        details.put("previousBrier", previous.get("brier").asDouble());
        details.put("executionId", executionId);
        return Optional.of(new Alert("model-degraded", "warn", String.format(Locale.ROOT,
                "The published model of run %s has test AUC %.4f, %.4f below the previous run %s (%.4f; threshold %.4f).",
                runId, auc, drop, previousId, previousAuc, properties.modelAucDrop()),
                "model-degraded/" + runId, Instant.now(), details));
    }

    private JsonNode metrics(String runId) throws IOException {
        Optional<Path> file = store.artifact(runId, MlArtifactStore.METRICS);
        return file.isEmpty() ? null : json.readTree(file.get().toFile());
    }
}
