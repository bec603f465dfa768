package io.execkpi.jobs;

import java.time.Duration;
import java.time.LocalDateTime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Registered on every job and step, reports their starts and ends: one log line per job and step start and end, with
 * counts and duration (no personal data); the {@code execkpi.job.rows.written} metric (rows, per job and step); a
 * {@link JobEndedEvent} when a job ends; and each job's start and end to {@link RunningExecutions}. Spring Batch
 * itself records job and step durations as metrics.
 */
@Component
public class JobReportingListener implements JobExecutionListener, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger("io.execkpi.jobs");

    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final RunningExecutions running;

    public JobReportingListener(MeterRegistry meters, ApplicationEventPublisher events, RunningExecutions running) {
        this.meters = meters;
        this.events = events;
        this.running = running;
    }

    @Override
    public void beforeJob(JobExecution job) {
        running.started(job);
        log.info("job {} started: execution={} parameters={}", job.getJobInstance().getJobName(), job.getId(),
                job.getJobParameters());
    }

    @Override
    public void afterJob(JobExecution job) {
        running.ended(job);
        events.publishEvent(JobEndedEvent.of(job));
        long written = job.getStepExecutions().stream().mapToLong(StepExecution::getWriteCount).sum();
        log.info("job {} ended: execution={} status={} rowsWritten={} took={}ms", job.getJobInstance().getJobName(),
                job.getId(), job.getStatus(), written, millis(job.getStartTime()));
    }

    @Override
    public void beforeStep(StepExecution step) {
        log.info("step {} started: execution={}", step.getStepName(), step.getJobExecutionId());
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        Counter.builder("execkpi.job.rows.written")
                .description("Rows materialized by job steps (a rerun counts the rows it found unchanged and left in place)")
                .tag("job", step.getJobExecution().getJobInstance().getJobName()).tag("step", step.getStepName())
                .register(meters).increment(step.getWriteCount());
        log.info("step {} ended: execution={} status={} read={} written={} commits={} took={}ms", step.getStepName(),
                step.getJobExecutionId(), step.getStatus(), step.getReadCount(), step.getWriteCount(),
                step.getCommitCount(), millis(step.getStartTime()));
        return null;
    }

    private static long millis(LocalDateTime start) {
        return start == null ? 0 : Duration.between(start, LocalDateTime.now()).toMillis();
    }
}
