package io.execkpi.jobs;

/** Published when a job execution of this process ends: results it wrote are now visible to readers. */
public record JobEndedEvent(String jobName, long executionId, String status) {
}
