package io.execkpi.jobs;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Repairs job instances that have no execution: what a process leaves when it dies after Spring Batch 6 committed a
 * new instance and before it created that instance's first execution (spring-batch #4763). Left alone, such an
 * instance refuses every launch of its parameters for good ("Cannot find any job execution for job instance").
 *
 * <p>The repair gives the instance a FAILED execution with the parameters it was launched with and a note
 * ({@link #NOTE}); from then on it is an ordinary failed run: listed by the job API and the jobs page, named by the
 * failed-nights banner, restarted by the next launch, catch-up or operator. Chosen over deleting the instance (which
 * Spring Batch 6 would allow as well) because the attempt stays on record, and every path that handles a failed run
 * (restart, alerts, banner) handles it without a special case. Every repair runs under the job's
 * {@link JobLaunchLock}, which a launch holds until its execution exists: an instance without an execution seen under
 * that lock is orphaned, not one whose launch is half-way in another process.
 */
@Component
public class OrphanedInstances {

    /** Exit description of a repaired instance's FAILED execution. */
    public static final String NOTE = "the process launching this job died before its first execution was created;"
            + " marked FAILED so that it can be restarted";

    private final JobRepository jobRepository;
    private final JobLaunchLock launchLock;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public OrphanedInstances(JobRepository jobRepository, JobLaunchLock launchLock, JdbcTemplate jdbc, Clock clock) {
        this.jobRepository = jobRepository;
        this.launchLock = launchLock;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Repairs the instance of {@code jobName} for {@code parameters} if it exists and has no execution. The caller
     * holds the job's launch lock ({@link JobLaunchLock#acquire}).
     *
     * @return the FAILED execution given to it, or empty when there was nothing to repair
     */
    public Optional<JobExecution> repairUnderLock(String jobName, JobParameters parameters) {
        JobInstance instance = jobRepository.getJobInstance(jobName, parameters);
        if (instance == null || jobRepository.getLastJobExecution(instance) != null) {
            return Optional.empty();
        }
        JobExecution execution = jobRepository.createJobExecution(instance, parameters, new ExecutionContext());
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault());
        execution.setStartTime(now);
        execution.setEndTime(now);
        execution.setStatus(BatchStatus.FAILED);
        execution.setExitStatus(ExitStatus.FAILED.addExitDescription(NOTE));
        jobRepository.update(execution);
        return Optional.of(execution);
    }

    /**
     * Whether {@code jobName} has an instance for {@code parameters} without any execution (read only, no lock):
     * what a page shows as a night that did not run, until a repair or launch takes care of it.
     */
    public boolean isOrphaned(String jobName, JobParameters parameters) {
        JobInstance instance = jobRepository.getJobInstance(jobName, parameters);
        return instance != null && jobRepository.getLastJobExecution(instance) == null;
    }

    /**
     * Start-up recovery: repairs every orphaned instance whose parameters are known here, those of a launch for one
     * business date ({@code date=D}, as nightlyJob, its steps' jobs and {@code run <job> date=D} launch) for each
     * date of {@code dates}. An orphan of other parameters (a {@code from=…} backfill) cannot be told from its
     * instance, whose parameters Spring Batch does not keep; it is repaired when its parameters are launched again.
     *
     * @param jobNames the jobs to look at
     * @param dates    the business dates whose single-date launches are repaired (e.g. the catch-up window)
     * @return what was found: the repaired executions, and the ids of orphans left for their next launch
     */
    public Report repairAtStartUp(List<String> jobNames, List<LocalDate> dates) {
        Map<String, List<Long>> orphans = new LinkedHashMap<>();
        jdbc.query("SELECT i.JOB_NAME, i.JOB_INSTANCE_ID FROM BATCH_JOB_INSTANCE i WHERE NOT EXISTS"
                + " (SELECT 1 FROM BATCH_JOB_EXECUTION e WHERE e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID)"
                + " ORDER BY i.JOB_INSTANCE_ID", row -> {
                    orphans.computeIfAbsent(row.getString(1), k -> new ArrayList<>()).add(row.getLong(2));
                });
        List<JobExecution> repaired = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Map.Entry<String, List<Long>> job : orphans.entrySet()) {
            if (!jobNames.contains(job.getKey())) {
                continue;
            }
            List<Long> ids = new ArrayList<>(job.getValue());
            try (JobLaunchLock.Held held = launchLock.acquire(job.getKey())) {
                for (LocalDate date : dates) {
                    JobParameters parameters = new JobRequest(date, null, false).toJobParameters();
                    JobInstance instance = jobRepository.getJobInstance(job.getKey(), parameters);
                    if (instance != null && ids.contains(instance.getInstanceId())) {
                        repairUnderLock(job.getKey(), parameters).ifPresent(repaired::add);
                        ids.remove(instance.getInstanceId());
                    }
                }
            }
            ids.forEach(id -> left.add(job.getKey() + " instance " + id));
        }
        return new Report(repaired, left);
    }

    /**
     * @param repaired the FAILED executions given to orphans
     * @param left     orphans of parameters not known here ("kpiJob instance 7"), repaired at their next launch
     */
    public record Report(List<JobExecution> repaired, List<String> left) {

        public boolean isEmpty() {
            return repaired.isEmpty() && left.isEmpty();
        }

        /**
         * One log line naming what was found, e.g. "job instances without an execution (a process died launching
         * them): repaired nightlyJob date=2026-12-06 as FAILED execution 12, restartable".
         */
        public String sentence() {
            List<String> parts = new ArrayList<>();
            for (JobExecution e : repaired) {
                parts.add(e.getJobInstance().getJobName() + " date=" + e.getJobParameters().getLocalDate(JobRequest.DATE)
                        + " as FAILED execution " + e.getId());
            }
            String text = "job instances without an execution (a process died launching them):";
            if (!parts.isEmpty()) {
                text += " repaired " + String.join(", ", parts) + ", restartable";
            }
            if (!left.isEmpty()) {
                text += (parts.isEmpty() ? " " : "; ") + String.join(", ", left) + " (parameters other than one date"
                        + " of the catch-up window) repaired when launched again with its parameters";
            }
            return text;
        }
    }
}
