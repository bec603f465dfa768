package io.execkpi.alerts;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.execkpi.jobs.JobEndedEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Closes the gap between a job's commit and the queueing of its alerts. Job, experiment and model alerts are queued
 * in the job's {@code afterJob} callback, after its steps committed; a process killed in between (or a store that
 * refused the alert) would lose them. They all follow from durable state, so this reconciler derives them again: it
 * reads the executions that ended (COMPLETED, FAILED, STOPPED, ABANDONED) within {@code execkpi.alerts.reconcile-days}
 * from the job repository and hands each to every {@link JobEndAlerts}; the outbox writes a dedup key once per webhook,
 * so an alert already queued by the normal path is not queued again. It runs on the sender's thread at start-up and
 * before every poll ({@link AlertSender}); an execution is derived once per process (an ended execution's alerts
 * depend only on what it left), again after a restart, and retried at the next round when a store could not be read
 * (given up after {@value #MAX_FAILURES} rounds).
 */
@Component
public class AlertReconciler {

    private static final Logger log = LoggerFactory.getLogger(AlertReconciler.class);
    static final int MAX_FAILURES = 3;

    private final JdbcTemplate jdbc;
    private final AlertOutbox outbox;
    private final AlertProperties properties;
    private final JobRepository jobRepository;
    private final List<JobEndAlerts> sources;
    private final Set<Long> derived = new HashSet<>();
    private final Map<Long, Integer> failures = new HashMap<>();

    /**
     * @param jdbc    the results store, which holds the job repository's tables ({@code BATCH_JOB_EXECUTION})
     * @param sources every kind of job-derived alert
     */
    public AlertReconciler(JdbcTemplate jdbc, AlertOutbox outbox, AlertProperties properties,
                           JobRepository jobRepository, List<JobEndAlerts> sources) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.properties = properties;
        this.jobRepository = jobRepository;
        this.sources = List.copyOf(sources);
    }

    /**
     * Queues the missing alerts of the executions that ended within the look-back window and were not derived yet by
     * this process. Does nothing without webhooks or with {@code reconcile-days} 0.
     *
     * @return the outbox rows written (0 when the normal path had queued everything)
     */
    public synchronized int reconcile() {
        if (properties.webhooks().isEmpty() || properties.reconcileDays() == 0) {
            return 0;
        }
        // Spring Batch writes its times as the JVM's local date-time
        Timestamp since = Timestamp.valueOf(LocalDateTime.now().minusDays(properties.reconcileDays()));
        List<Long> ended = jdbc.queryForList("SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION"
                + " WHERE STATUS IN ('COMPLETED', 'FAILED', 'STOPPED', 'ABANDONED')"
                + " AND COALESCE(END_TIME, LAST_UPDATED, CREATE_TIME) >= ? ORDER BY JOB_EXECUTION_ID", Long.class,
                since);
        derived.retainAll(Set.copyOf(ended));
        int written = 0;
        for (long id : ended) {
            if (derived.contains(id)) {
                continue;
            }
            try {
                JobExecution execution = jobRepository.getJobExecution(id);
                if (execution != null) {
                    JobEndedEvent event = JobEndedEvent.of(execution);
                    for (JobEndAlerts source : sources) {
                        for (Alert alert : source.alertsFor(event, execution)) {
                            int rows = outbox.enqueue(alert);
                            if (rows > 0) {
                                log.info("alert {} of {} execution {} was not queued yet (lost in a crash, or the job"
                                        + " is just ending): queued now", alert.dedupKey(), event.jobName(), id);
                            }
                            written += rows;
                        }
                    }
                }
                derived.add(id);
                failures.remove(id);
            } catch (RuntimeException e) {
                int failed = failures.merge(id, 1, Integer::sum);
                if (failed >= MAX_FAILURES) {
                    derived.add(id);
                    failures.remove(id);
                }
                log.warn("Could not derive the alerts of job execution {} (attempt {} of {}){}: {}", id, failed,
                        MAX_FAILURES, failed >= MAX_FAILURES ? "; giving up" : "", e.toString());
            }
        }
        return written;
    }
}
