package io.execkpi.jobs;

import org.springframework.batch.core.job.JobExecution;

/**
 * The launch rules, in one place: what a launch of a job for some parameters does, given the last execution of that
 * job instance. {@link JobRunner} (start-up, schedule, command line, nightlyJob's steps) and {@link JobControlService}
 * (the HTTP API) both follow them; they differ only in what they tell the caller when a launch is refused.
 */
public enum LaunchDecision {

    /** No execution for these parameters yet: start a new instance. */
    START,
    /** The last execution failed or was stopped: restart it where it stopped. */
    RESTART,
    /** The instance completed: it is not run again (a new instance needs {@code rerun}). */
    ALREADY_COMPLETED,
    /** An execution is starting, running or stopping: refused. */
    RUNNING,
    /** The last execution is abandoned or in an unknown state: it cannot be restarted, so refused. */
    NOT_RESTARTABLE;

    /**
     * @param last the last execution of the job instance for the parameters, or null when there is none
     * @return what to do
     */
    public static LaunchDecision after(JobExecution last) {
        if (last == null) {
            return START;
        }
        if (last.isRunning()) {
            return RUNNING;
        }
        return switch (last.getStatus()) {
            case COMPLETED -> ALREADY_COMPLETED;
            case FAILED, STOPPED -> RESTART;
            default -> NOT_RESTARTABLE;
        };
    }
}
