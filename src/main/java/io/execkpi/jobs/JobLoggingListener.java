package io.execkpi.jobs;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * Registered on every job and step: one log line per job and step start and end, with counts and duration (no
 * personal data); the {@code execkpi.job.rows.written} metric; and the executions running in this process (so that a
 * shutdown stops them at a safe point). Spring Batch itself records job and step durations as metrics.
 */
@Component
public class JobLoggingListener implements JobExecutionListener, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger("io.execkpi.jobs");

    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final Map<Long, JobExecution> running = new ConcurrentHashMap<>();

    public JobLoggingListener(MeterRegistry meters, ApplicationEventPublisher events) {
        this.meters = meters;
        this.events = events;
    }

    /** Executions started by this process that have not ended yet. */
    public List<JobExecution> running() {
        return List.copyOf(running.values());
    }

    /**
     * Asks an execution running in this process to stop at its next safe point: its running steps are flagged
     * terminate-only in memory, so the step ends STOPPED after the current chunk (slice) commits, and no other
     * thread writes to the job repository meanwhile (JobOperator.stop would, and race with the step's own updates).
     *
     * @return false when the execution does not run in this process
     */
    public boolean requestStop(long executionId) {
        JobExecution execution = running.get(executionId);
        if (execution == null) {
            return false;
        }
        // the running step stops after its current chunk; STOPPING keeps the job from starting its next step
        execution.getStepExecutions().stream().filter(s -> s.getStatus().isRunning())
                .forEach(StepExecution::setTerminateOnly);
        execution.setStatus(org.springframework.batch.core.BatchStatus.STOPPING);
        log.info("stop requested for job {} execution {}", execution.getJobInstance().getJobName(), executionId);
        return true;
    }

    @Override
    public void beforeJob(JobExecution job) {
        running.put(job.getId(), job);
        log.info("job {} started: execution={} parameters={}", job.getJobInstance().getJobName(), job.getId(),
                job.getJobParameters());
    }

    @Override
    public void afterJob(JobExecution job) {
        running.remove(job.getId());
        String failure = job.getStepExecutions().stream()
                .filter(s -> s.getStatus() == org.springframework.batch.core.BatchStatus.FAILED)
                .map(s -> ExitMessages.forOperator(s.getExitStatus().getExitDescription()))
                .filter(java.util.Objects::nonNull).findFirst()
                .orElse(ExitMessages.forOperator(job.getExitStatus().getExitDescription()));
        events.publishEvent(new JobEndedEvent(job.getJobInstance().getJobName(), job.getId(), job.getStatus().name(),
                job.getStatus().isUnsuccessful() ? failure : null));
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
        Counter.builder("execkpi.job.rows.written").description("Rows written to the results store by job steps")
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
