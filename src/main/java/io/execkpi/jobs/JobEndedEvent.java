package io.execkpi.jobs;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * Published when a job execution of this process ends: results it wrote are now visible to readers.
 *
 * @param jobName     the job's name, e.g. {@code kpiJob}
 * @param executionId the job execution id
 * @param status      its batch status, e.g. {@code COMPLETED}, {@code FAILED}
 * @param failure     for a failed execution, the operator sentence of its first failed step ({@link ExitMessages});
 *                    null otherwise
 */
public record JobEndedEvent(String jobName, long executionId, String status, String failure) {

    /** An event without a failure sentence. */
    public JobEndedEvent(String jobName, long executionId, String status) {
        this(jobName, executionId, status, null);
    }

    /**
     * The event of an ended execution, as {@link JobReportingListener} publishes it: its status and, when
     * unsuccessful, the operator sentence of its first failed step (else of the job's exit description). Also used to
     * re-derive the alerts of an execution read back from the job repository.
     */
    public static JobEndedEvent of(JobExecution job) {
        String failure = job.getStepExecutions().stream()
                .filter(s -> s.getStatus() == BatchStatus.FAILED)
                .map(s -> ExitMessages.forOperator(s.getExitStatus().getExitDescription()))
                .filter(java.util.Objects::nonNull).findFirst()
                .orElse(ExitMessages.forOperator(job.getExitStatus().getExitDescription()));
        return new JobEndedEvent(job.getJobInstance().getJobName(), job.getId(), job.getStatus().name(),
                job.getStatus().isUnsuccessful() ? failure : null);
    }
}
