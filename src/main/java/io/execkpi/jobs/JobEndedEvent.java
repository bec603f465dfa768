package io.execkpi.jobs;

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
}
