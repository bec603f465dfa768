package io.execkpi.alerts;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.execkpi.jobs.JobEndedEvent;
import io.execkpi.jobs.JobRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Queues a {@code job-failed} alert when a job execution of this process ends FAILED (or STOPPED, ABANDONED), and a
 * {@code job-recovered} alert when one completes as the restart of an instance whose earlier execution failed, was
 * stopped or was left running by a process that died (recovered FAILED at start-up). Both follow from the job
 * repository alone, so {@link AlertReconciler} derives them again for an execution whose alert a crash lost.
 */
@Component
public class JobAlerts implements JobEndAlerts {

    private static final Logger log = LoggerFactory.getLogger(JobAlerts.class);

    private final AlertOutbox outbox;
    private final JobRepository jobRepository;

    public JobAlerts(AlertOutbox outbox, JobRepository jobRepository) {
        this.outbox = outbox;
        this.jobRepository = jobRepository;
    }

    /**
     * Queues the alerts of an execution of this process that just ended ({@link #alertsFor}). Runs in the job's
     * {@code afterJob} callback: a store that refuses the alert is logged, never turned into a failure of the job
     * ({@link AlertReconciler} derives it again at its next round).
     */
    @EventListener
    public void jobEnded(JobEndedEvent event) {
        try {
            alertsFor(event, jobRepository.getJobExecution(event.executionId())).forEach(outbox::enqueue);
        } catch (RuntimeException e) {
            log.error("Could not queue the alerts of {} execution {}: {}", event.jobName(), event.executionId(),
                    e.toString());
        }
    }

    /**
     * {@code job-failed} (severity {@code error}, dedup key {@code job-failed/<job>/<execution id>}) for an execution
     * that ended FAILED, STOPPED or ABANDONED; {@code job-recovered} for a completed one that restarted an unsuccessful
     * instance (see {@link #recovered}); nothing otherwise.
     */
    @Override
    public List<Alert> alertsFor(JobEndedEvent event, JobExecution execution) {
        if (event.status().equals("COMPLETED")) {
            return execution == null ? List.of() : recovered(event, execution).stream().toList();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job", event.jobName());
        details.put("executionId", event.executionId());
        details.put("status", event.status());
        details.put("reason", event.failure());
        return List.of(new Alert("job-failed", "error", "Job " + event.jobName() + " execution "
                + event.executionId() + " ended " + event.status()
                + (event.failure() != null ? ": " + event.failure() : ""),
                "job-failed/" + event.jobName() + "/" + event.executionId(), endedAt(execution), details));
    }

    /** When the execution ended (the job repository's local time, as Spring Batch writes it), else now. */
    private static Instant endedAt(JobExecution execution) {
        return execution != null && execution.getEndTime() != null
                ? execution.getEndTime().atZone(ZoneId.systemDefault()).toInstant() : Instant.now();
    }

    /**
     * {@code job-recovered} (severity {@code info}, dedup key {@code job-recovered/<job>/<execution id>}) when the
     * completed execution restarted an instance with an unsuccessful earlier execution; details: job, execution id,
     * business date(s), the earlier executions' ids and statuses.
     */
    private Optional<Alert> recovered(JobEndedEvent event, JobExecution execution) {
        List<JobExecution> earlier = jobRepository.getJobExecutions(execution.getJobInstance()).stream()
                .filter(e -> e.getId() < execution.getId())
                .sorted(Comparator.comparingLong(JobExecution::getId)).toList();
        if (earlier.isEmpty() || earlier.stream().allMatch(e -> e.getStatus() == BatchStatus.COMPLETED)) {
            return Optional.empty();
        }
        JobExecution last = earlier.get(earlier.size() - 1);
        // an execution a dead process left running is marked FAILED at start-up (JobLifecycle) with the exit code
        // it had while running, UNKNOWN; a failure the job saw itself ends with the exit code FAILED
        boolean killed = earlier.stream().anyMatch(e -> e.getStatus() == BatchStatus.FAILED
                && ExitStatus.UNKNOWN.getExitCode().equals(e.getExitStatus().getExitCode()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job", event.jobName());
        details.put("executionId", event.executionId());
        JobParameters parameters = execution.getJobParameters();
        if (parameters.getLocalDate(JobRequest.DATE) != null) {
            details.put("date", parameters.getLocalDate(JobRequest.DATE).toString());
        }
        if (parameters.getLocalDate(JobRequest.FROM) != null) {
            details.put("from", parameters.getLocalDate(JobRequest.FROM).toString());
        }
        details.put("previousExecutionId", last.getId());
        details.put("previousStatus", last.getStatus().name());
        details.put("afterCrash", killed);
        details.put("attempts", earlier.size() + 1);
        return Optional.of(new Alert("job-recovered", "info", "Job " + event.jobName()
                + (details.containsKey("date") ? " for " + details.get("date") : "") + " completed in execution "
                + event.executionId() + " after " + earlier.size() + " unsuccessful attempt"
                + (earlier.size() == 1 ? "" : "s") + (killed ? ", one of them ended by a crash" : "")
                + " (last: execution " + last.getId() + ", " + last.getStatus() + ").",
                "job-recovered/" + event.jobName() + "/" + event.executionId(), endedAt(execution), details));
    }
}
