package io.execkpi.jobs;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Runs a job for a {@link JobRequest}, synchronously and idempotently, by the {@link LaunchDecision} rules: a
 * completed instance is not run again (unless {@code rerun}), and a failed or stopped one is restarted where it
 * stopped rather than started over.
 */
@Service
public class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Map<String, Job> jobs;
    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final JobLaunchLock launchLock;
    private final OrphanedInstances orphans;

    /** @param jobOperator a synchronous operator whose executor releases the launch lock ({@link JobsConfiguration}) */
    public JobRunner(List<Job> jobs, @Qualifier("syncJobOperator") JobOperator jobOperator,
                     JobRepository jobRepository, JobLaunchLock launchLock, OrphanedInstances orphans) {
        this.jobs = jobs.stream().collect(Collectors.toMap(Job::getName, Function.identity()));
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.launchLock = launchLock;
        this.orphans = orphans;
    }

    public boolean knows(String jobName) {
        return jobs.containsKey(jobName);
    }

    public List<String> jobNames() {
        return jobs.keySet().stream().sorted().toList();
    }

    /**
     * Checks the request against the job's parameter validator before anything runs (a command line refuses bad
     * parameters with one line, as the job API answers 400).
     *
     * @throws InvalidJobRequestException for an unknown job or parameters the job does not take
     */
    public void validate(String jobName, JobRequest request) {
        Job job = jobs.get(jobName);
        if (job == null) {
            throw new InvalidJobRequestException("unknown job '" + jobName + "'; known jobs: " + jobNames());
        }
        try {
            job.getJobParametersValidator().validate(request.toJobParameters());
        } catch (org.springframework.batch.core.job.parameters.InvalidJobParametersException e) {
            throw new InvalidJobRequestException(jobName + " does not take these parameters: " + e.getMessage());
        }
    }

    /**
     * Runs (or restarts) the job and returns its execution; a completed instance is returned as it is. An instance of
     * these parameters without an execution (its launcher died) is repaired first ({@link OrphanedInstances}) and
     * restarted. The decision and the launch hold the job's {@link JobLaunchLock} until the execution exists.
     */
    public JobExecution run(String jobName, JobRequest request) throws Exception {
        Job job = jobs.get(jobName);
        if (job == null) {
            throw new InvalidJobRequestException("unknown job '" + jobName + "'; known jobs: " + jobNames());
        }
        JobParameters parameters = request.toJobParameters();
        try (JobLaunchLock.Held held = launchLock.acquire(jobName)) {
            JobExecution last = jobRepository.getLastJobExecution(jobName, parameters);
            if (last == null) {
                last = orphans.repairUnderLock(jobName, parameters).orElse(null);
                if (last != null) {
                    log.warn("job {} for {}: its instance had no execution (the process launching it died); repaired"
                            + " as FAILED execution {}, restarting it", jobName, request, last.getId());
                }
            }
            return launch(job, parameters, last);
        }
    }

    private JobExecution launch(Job job, JobParameters parameters, JobExecution last) throws Exception {
        String jobName = job.getName();
        return switch (LaunchDecision.after(last)) {
            case ALREADY_COMPLETED -> {
                log.info("job {} already completed for {} (execution {}); pass rerun=true to run it again", jobName,
                        parameters, last.getId());
                yield last;
            }
            case RESTART -> {
                log.info("restarting job {} execution {} ({})", jobName, last.getId(), last.getStatus());
                yield jobOperator.restart(last);
            }
            // RUNNING, NOT_RESTARTABLE: the job repository refuses the start with its own exception
            // (JobExecutionAlreadyRunningException, JobRestartException), which the callers handle
            case START, RUNNING, NOT_RESTARTABLE -> jobOperator.start(job, parameters);
        };
    }
}
