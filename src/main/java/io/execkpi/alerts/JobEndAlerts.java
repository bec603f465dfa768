package io.execkpi.alerts;

import java.util.List;

import io.execkpi.jobs.JobEndedEvent;

import org.springframework.batch.core.job.JobExecution;

/**
 * A kind of alert that follows from an ended job execution and the durable state it left (the job repository, the
 * results store, the artifact store), so that it can be derived again after a crash. Each implementation is used on
 * two paths that queue the same alerts with the same dedup keys: when a job of this process ends
 * ({@link JobEndedEvent}) and when {@link AlertReconciler} re-derives the alerts of the executions that ended within
 * {@code execkpi.alerts.reconcile-days} (at start-up and on every sender poll). The outbox writes a dedup key once per
 * webhook, so the two paths never duplicate an alert. Capability packages (abtest, ml, …) implement it; the alerts
 * package depends on none of them.
 */
public interface JobEndAlerts {

    /**
     * The alerts an ended execution calls for.
     *
     * @param ended     its job name, id, final status and failure sentence (for a re-derivation: {@link
     *                  JobEndedEvent#of(JobExecution)} of the stored execution)
     * @param execution the execution as stored in the job repository (parameters, execution context, instance); its
     *                  stored status may still read STARTED while the job's {@code afterJob} callbacks run, so use
     *                  {@code ended.status()}
     * @return the alerts, empty when none; reads the stores only, writes nothing
     * @throws RuntimeException when a store cannot be read (the reconciler tries again at its next round)
     */
    List<Alert> alertsFor(JobEndedEvent ended, JobExecution execution);
}
