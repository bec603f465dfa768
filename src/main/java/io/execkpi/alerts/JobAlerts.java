package io.execkpi.alerts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.execkpi.jobs.JobEndedEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Queues a {@code job-failed} alert when a job execution of this process ends FAILED (or STOPPED, ABANDONED). */
@Component
public class JobAlerts {

    private static final Logger log = LoggerFactory.getLogger(JobAlerts.class);

    private final AlertOutbox outbox;

    public JobAlerts(AlertOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * Queues the alert (dedup key {@code job-failed/<job>/<execution id>}); a completed execution queues nothing. Runs
     * in the job's {@code afterJob} callback: a store that refuses the alert is logged, never turned into a failure
     * of the job.
     */
    @EventListener
    public void jobEnded(JobEndedEvent event) {
        if (event.status().equals("COMPLETED")) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job", event.jobName());
        details.put("executionId", event.executionId());
        details.put("status", event.status());
        details.put("reason", event.failure());
        try {
            outbox.enqueue(new Alert("job-failed", "error", "Job " + event.jobName() + " execution "
                    + event.executionId() + " ended " + event.status()
                    + (event.failure() != null ? ": " + event.failure() : ""),
                    "job-failed/" + event.jobName() + "/" + event.executionId(), Instant.now(), details));
        } catch (RuntimeException e) {
            log.error("Could not queue the job-failed alert of {} execution {}: {}", event.jobName(),
                    event.executionId(), e.toString());
        }
    }
}
