package io.execkpi.jobs;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.execkpi.web.ApiException;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Operator actions on jobs, asynchronous: a launch returns as soon as the execution exists; what a launch does follows
 * the {@link LaunchDecision} rules, a refusal being a 409. One launch at a time per
 * process, so that identical concurrent requests produce exactly one execution; across processes the job
 * repository's one-instance-per-parameters rule does the same (the loser gets 409). A launch or restart of a
 * business date that a running execution of the same job already covers as its date is a 409 too.
 */
@Service
public class JobControlService {

    private final Map<String, Job> jobs;
    private final JobOperator asyncOperator;
    private final JobRepository jobRepository;
    private final JdbcTemplate jdbc;
    private final RunningExecutions running;
    private final JobLaunchLock launchLock;
    private final OrphanedInstances orphans;

    public JobControlService(List<Job> jobs, @Qualifier("asyncJobOperator") JobOperator asyncOperator,
                             JobRepository jobRepository, JdbcTemplate jdbc, RunningExecutions running,
                             JobLaunchLock launchLock, OrphanedInstances orphans) {
        this.launchLock = launchLock;
        this.orphans = orphans;
        this.jobs = jobs.stream().collect(Collectors.toMap(Job::getName, Function.identity()));
        this.asyncOperator = asyncOperator;
        this.jobRepository = jobRepository;
        this.jdbc = jdbc;
        this.running = running;
    }

    public List<String> jobNames() {
        return jobs.keySet().stream().sorted().toList();
    }

    public Optional<JobExecution> lastExecution(String jobName) {
        JobInstance instance = jobRepository.getLastJobInstance(jobName);
        return instance == null ? Optional.empty() : Optional.ofNullable(jobRepository.getLastJobExecution(instance));
    }

    public synchronized JobExecution launch(String jobName, JobRequest request) {
        Job job = jobs.get(jobName);
        if (job == null) {
            throw ApiException.notFound("Unknown job '" + jobName + "'; known jobs: " + jobNames());
        }
        JobParameters parameters = request.toJobParameters();
        try {
            // validated here, synchronously: the asynchronous operator would only fail the execution later
            job.getJobParametersValidator().validate(parameters);
        } catch (InvalidJobParametersException e) {
            throw ApiException.badRequest(jobName + " does not take these parameters: " + e.getMessage());
        }
        try (JobLaunchLock.Held held = lock(jobName)) {
            JobExecution last = jobRepository.getLastJobExecution(jobName, parameters);
            if (last == null) { // an instance whose launcher died before creating its execution: repaired, restarted
                last = orphans.repairUnderLock(jobName, parameters).orElse(null);
            }
            return decide(job, parameters, request, last);
        }
    }

    private JobExecution decide(Job job, JobParameters parameters, JobRequest request, JobExecution last) {
        String jobName = job.getName();
        try {
            return switch (LaunchDecision.after(last)) {
                case RUNNING -> throw ApiException.conflict(jobName
                        + " for these parameters is already running as execution " + last.getId());
                case ALREADY_COMPLETED -> throw ApiException.conflict(jobName
                        + " for these parameters already completed (execution " + last.getId()
                        + "); send \"rerun\": true to run it again");
                case NOT_RESTARTABLE -> throw ApiException.conflict(jobName + " for these parameters was "
                        + last.getStatus() + " (execution " + last.getId()
                        + "); send \"rerun\": true to start a new instance");
                case RESTART -> {
                    refuseWhileTheSameDateRuns(jobName, request.date());
                    yield asyncOperator.restart(last);
                }
                case START -> {
                    refuseWhileTheSameDateRuns(jobName, request.date());
                    yield asyncOperator.start(job, parameters);
                }
            };
        } catch (JobExecutionAlreadyRunningException | JobInstanceAlreadyCompleteException e) {
            throw ApiException.conflict(jobName + ": " + e.getMessage());
        } catch (InvalidJobParametersException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (JobRestartException e) {
            throw ApiException.conflict(jobName + " cannot be restarted: " + e.getMessage());
        }
    }

    /** The job's launch lock; a 409 saying to retry when it cannot be had (another launch holds it too long). */
    private JobLaunchLock.Held lock(String jobName) {
        try {
            return launchLock.acquire(jobName);
        } catch (IllegalStateException e) {
            throw ApiException.conflict("Another launch of " + jobName + " holds its launch lock; try again in a"
                    + " moment");
        }
    }

    /**
     * 409 while an execution of the same job for the same business date runs (a rerun, a restart or a backfill ending
     * on that date): two runs of one date would materialize the same partitions at once. Launches of this process are
     * serialized, so the check and the start are atomic here; across processes the KPI write lock still keeps
     * concurrent writers from colliding.
     */
    private void refuseWhileTheSameDateRuns(String jobName, LocalDate date) {
        List<Long> running = jdbc.queryForList("SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e"
                + " JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID"
                + " JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID"
                + " WHERE i.JOB_NAME = ? AND e.STATUS IN ('STARTING', 'STARTED', 'STOPPING')"
                + " AND p.PARAMETER_NAME = ? AND p.PARAMETER_VALUE = ? ORDER BY e.JOB_EXECUTION_ID",
                Long.class, jobName, JobRequest.DATE, date.toString());
        if (!running.isEmpty()) {
            throw ApiException.conflict(jobName + " for " + date + " is already running as execution "
                    + running.get(0) + "; wait for it to end (or stop it) before running that date again");
        }
    }

    public JobExecution get(long id) {
        JobExecution execution;
        try {
            execution = jobRepository.getJobExecution(id);
        } catch (EmptyResultDataAccessException e) { // Batch 6's JDBC DAO throws rather than returning null
            execution = null;
        }
        if (execution == null) {
            throw ApiException.notFound("No job execution " + id);
        }
        return execution;
    }

    public synchronized JobExecution restart(long id) {
        JobExecution execution = get(id);
        if (LaunchDecision.after(execution) != LaunchDecision.RESTART) {
            throw ApiException.conflict("Execution " + id + " is " + execution.getStatus()
                    + "; only FAILED or STOPPED executions can be restarted");
        }
        JobExecution latest = jobRepository.getLastJobExecution(execution.getJobInstance());
        if (latest != null && latest.getId() != id) {
            throw ApiException.conflict("Execution " + id + " was already restarted as execution " + latest.getId());
        }
        LocalDate date = execution.getJobParameters().getLocalDate(JobRequest.DATE);
        if (date != null) {
            refuseWhileTheSameDateRuns(execution.getJobInstance().getJobName(), date);
        }
        try (JobLaunchLock.Held held = lock(execution.getJobInstance().getJobName())) {
            return asyncOperator.restart(execution);
        } catch (JobRestartException e) {
            throw ApiException.conflict("Execution " + id + " cannot be restarted: " + e.getMessage());
        }
    }

    public JobExecution stop(long id) {
        JobExecution execution = get(id);
        if (!execution.isRunning()) {
            throw ApiException.conflict("Execution " + id + " is not running (" + execution.getStatus() + ")");
        }
        if (running.requestStop(id)) {
            return get(id);
        }
        try {
            // running in another process: the job repository carries the request (STOPPING) to it
            asyncOperator.stop(execution);
            return get(id);
        } catch (JobExecutionNotRunningException e) {
            throw ApiException.conflict("Execution " + id + " is not running (" + execution.getStatus() + ")");
        }
    }

    public JobExecution abandon(long id) {
        JobExecution execution = get(id);
        try {
            return asyncOperator.abandon(execution);
        } catch (JobExecutionAlreadyRunningException e) {
            throw ApiException.conflict("Execution " + id + " is running; stop it before abandoning it");
        }
    }

    /**
     * Progress of the executions running now (at most 5, newest first).
     *
     * @param kpiSteps number of kpiJob steps (catalog KPIs), so that its steps not started yet count
     */
    public List<JobProgress> running(int kpiSteps) {
        return executions(null, BatchStatus.STARTED, 0, 5).stream().map(JobExecutionView::of)
                .map(v -> JobProgress.of(v, v.job().equals("kpiJob") ? kpiSteps : 0)).toList();
    }

    /** Executions newest first, optionally filtered by job name and status. */
    public List<JobExecution> executions(String jobName, BatchStatus status, int page, int size) {
        StringBuilder sql = new StringBuilder("SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e"
                + " JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (jobName != null) {
            sql.append(" AND i.JOB_NAME = ?");
            args.add(jobName);
        }
        if (status != null) {
            sql.append(" AND e.STATUS = ?");
            args.add(status.name());
        }
        sql.append(" ORDER BY e.JOB_EXECUTION_ID DESC LIMIT ? OFFSET ?");
        args.add(size);
        args.add((long) page * size);
        return jdbc.queryForList(sql.toString(), Long.class, args.toArray()).stream()
                .map(jobRepository::getJobExecution).toList();
    }
}
