package io.execkpi.jobs;

import java.util.List;
import java.util.Locale;

import io.execkpi.web.ApiException;

import org.springframework.batch.core.BatchStatus;
import org.springframework.stereotype.Service;

/**
 * The read path of job executions from the JDBC job repository, under both the JSON endpoints ({@link JobController})
 * and the operator pages ({@link JobPageController}): each job with its last execution, executions filtered and paged,
 * one execution. Launching, restarting, stopping and abandoning stay with {@link JobControlService}.
 */
@Service
public class JobReads {

    private final JobControlService jobs;

    public JobReads(JobControlService jobs) {
        this.jobs = jobs;
    }

    public record JobSummary(String name, JobExecutionView lastExecution) {
    }

    public record Page(int page, int size, List<JobExecutionView> executions) {
    }

    /** Each job with its last execution (null before its first). */
    public List<JobSummary> list() {
        return jobs.jobNames().stream()
                .map(name -> new JobSummary(name, jobs.lastExecution(name).map(JobExecutionView::of).orElse(null)))
                .toList();
    }

    /**
     * Executions newest first, of one job (null: every job) and status (null: any, case-insensitive), paged.
     *
     * @param page 0-based page number, 0..1,000,000
     * @param size executions per page, 1..100
     * @throws ApiException 404 for an unknown job, 400 for an unknown status or a page or size out of bounds
     */
    public Page executions(String job, String status,
                           String page, String size) {
        if (job != null && !jobs.jobNames().contains(job)) {
            throw ApiException.notFound("Unknown job '" + job + "'; known jobs: " + jobs.jobNames());
        }
        BatchStatus batchStatus = null;
        if (status != null) {
            try {
                batchStatus = BatchStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status: must be one of " + List.of(BatchStatus.values()));
            }
        }
        int p = integer("page", page, 0, 1_000_000);
        int s = integer("size", size, 1, 100);
        return new Page(p, s, jobs.executions(job, batchStatus, p, s).stream().map(JobExecutionView::of).toList());
    }

    /**
     * One execution with its steps.
     *
     * @throws ApiException 400 for an id that is not a number, 404 for an unknown execution
     */
    public JobExecutionView execution(String id) {
        return JobExecutionView.of(jobs.get(id(id)));
    }

    /**
     * An execution id given as text.
     *
     * @throws ApiException 400 when it is not a number
     */
    static long id(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("execution id must be a number, got '" + id + "'");
        }
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw ApiException.badRequest(name + ": must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": must be a whole number, got '" + value + "'");
        }
    }
}
