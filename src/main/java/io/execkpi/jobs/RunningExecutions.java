package io.execkpi.jobs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * The job executions running in this process (registered by {@link JobReportingListener} when they start and end),
 * so that an operator's stop or a shutdown can ask them to stop at a safe point.
 */
@Component
public class RunningExecutions {

    private static final Logger log = LoggerFactory.getLogger("io.execkpi.jobs");

    private final Map<Long, JobExecution> running = new ConcurrentHashMap<>();

    void started(JobExecution execution) {
        running.put(execution.getId(), execution);
    }

    void ended(JobExecution execution) {
        running.remove(execution.getId());
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
        execution.setStatus(BatchStatus.STOPPING);
        log.info("stop requested for job {} execution {}", execution.getJobInstance().getJobName(), executionId);
        return true;
    }
}
