package io.execkpi.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.execkpi.config.ExecKpiProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What keeps jobs healthy without anyone watching: recovery of executions left running by a dead process, the
 * nightly schedule with catch-up of missed nights, and a safe stop of running executions on shutdown.
 */
@Component
public class JobLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final JobRunner jobRunner;
    private final RunningExecutions listener;
    private final ScheduleProperties schedule;
    private final ExecKpiProperties app;
    private final DataSource store;
    private final Clock clock;
    private final OrphanedInstances orphans;

    public JobLifecycle(JobRepository jobRepository, JobOperator jobOperator, JobRunner jobRunner,
                        RunningExecutions listener, ScheduleProperties schedule, ExecKpiProperties app,
                        DataSource store, Clock clock, OrphanedInstances orphans) {
        this.orphans = orphans;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.jobRunner = jobRunner;
        this.listener = listener;
        this.schedule = schedule;
        this.app = app;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Marks executions that a dead process left running as FAILED, with a note, so they can be restarted. With the
     * embedded H2 store only this process can hold the database, so every running execution is dead; with a shared
     * store only those not updated for {@code execkpi.schedule.stale-after} are. Then repairs job instances that a
     * process died launching, before their first execution ({@link OrphanedInstances}), for the single-date launches
     * of the catch-up window, and reports them in one log line.
     *
     * @return how many executions were recovered and instances repaired
     */
    public int recoverDeadExecutions() {
        int recovered = recoverRunning();
        LocalDate yesterday = app.yesterday(clock);
        List<LocalDate> window = new ArrayList<>();
        for (int back = schedule.catchUpDays() - 1; back >= 0; back--) {
            window.add(yesterday.minusDays(back));
        }
        OrphanedInstances.Report report = orphans.repairAtStartUp(jobRunner.jobNames(), window);
        if (!report.isEmpty()) {
            log.warn("start-up: {}", report.sentence());
        }
        return recovered + report.repaired().size();
    }

    private int recoverRunning() {
        boolean exclusive = embeddedStore();
        LocalDateTime staleBefore = LocalDateTime.now().minus(schedule.staleAfter());
        int recovered = 0;
        for (String job : jobRunner.jobNames()) {
            for (JobExecution execution : jobRepository.findRunningJobExecutions(job)) {
                LocalDateTime updated = execution.getLastUpdated() != null ? execution.getLastUpdated()
                        : execution.getCreateTime();
                if (exclusive || updated == null || updated.isBefore(staleBefore)) {
                    jobOperator.recover(execution);
                    log.warn("recovered job {} execution {} left {} by a process that is gone: now FAILED, "
                            + "restartable", job, execution.getId(), execution.getStatus());
                    recovered++;
                }
            }
        }
        return recovered;
    }

    /**
     * Runs nightlyJob for each night within {@code catch-up-days} up to yesterday, oldest first: a night never run is
     * started, a failed or stopped one restarted where it stopped, a completed one left alone. A night that fails does
     * not stop the nights after it (their KPI runs re-materialize its dates within their lookback); it stays FAILED in
     * the job repository, its job-failed alert is queued, and the next catch-up restarts it. Nothing runs when the
     * schedule is disabled: then another process, e.g. a Kubernetes CronJob, owns the nightly runs.
     *
     * @return the execution of each night that ran or was already complete, oldest first (a night whose launch was
     *         refused, e.g. because another process runs it, is left out)
     */
    public List<JobExecution> catchUp() {
        if ("-".equals(schedule.nightly().strip())) {
            return List.of();
        }
        return runNights();
    }

    private List<JobExecution> runNights() {
        LocalDate yesterday = app.yesterday(clock);
        List<JobExecution> nights = new ArrayList<>();
        List<LocalDate> failed = new ArrayList<>();
        for (int back = schedule.catchUpDays() - 1; back >= 0; back--) {
            LocalDate date = yesterday.minusDays(back);
            try {
                JobExecution execution = jobRunner.run(NightlyJobConfiguration.JOB_NAME, new JobRequest(date, null, false));
                nights.add(execution);
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    failed.add(date);
                    log.warn("catch-up: nightlyJob for {} ended {} (execution {}){}", date, execution.getStatus(),
                            execution.getId(), back > 0 ? "; the nights after it still run" : "");
                }
            } catch (JobExecutionAlreadyRunningException e) {
                log.info("catch-up: nightlyJob for {} is running in another process", date);
            } catch (Exception e) {
                failed.add(date);
                log.error("catch-up: nightlyJob for {} could not start: {}; the nights after it still run", date,
                        e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            log.warn("catch-up: nights not completed: {}; they are restarted at the next catch-up", failed);
        }
        return nights;
    }

    /**
     * Nights within {@code catch-up-days} up to yesterday whose latest nightly run ended FAILED, STOPPED or ABANDONED
     * (not completed since), or whose launch died before it created an execution (an instance without one, not yet
     * repaired), oldest first: what a page or a probe can show while later nights have completed.
     */
    public List<LocalDate> failedNights() {
        LocalDate yesterday = app.yesterday(clock);
        List<LocalDate> failed = new ArrayList<>();
        for (int back = schedule.catchUpDays() - 1; back >= 0; back--) {
            LocalDate date = yesterday.minusDays(back);
            JobParameters parameters = new JobRequest(date, null, false).toJobParameters();
            JobExecution last = jobRepository.getLastJobExecution(NightlyJobConfiguration.JOB_NAME, parameters);
            if (last != null ? last.getStatus() == BatchStatus.STOPPED || last.getStatus().isUnsuccessful()
                    : orphans.isOrphaned(NightlyJobConfiguration.JOB_NAME, parameters)) {
                failed.add(date);
            }
        }
        return failed;
    }

    /**
     * The in-process nightly run, as {@link #catchUp()}: yesterday plus any night within {@code catch-up-days} that
     * is missing or failed. Several replicas may fire at once: the job repository admits one execution per
     * date, so the others find it running or completed and do nothing.
     */
    @Scheduled(cron = "${execkpi.schedule.nightly:0 30 2 * * *}", zone = "${execkpi.zone:UTC}")
    public void nightly() {
        try {
            List<JobExecution> nights = runNights();
            log.info("scheduled nightly run: {}", nights.stream().map(e -> e.getJobParameters()
                    .getLocalDate(JobRequest.DATE) + " " + e.getStatus()).toList());
        } catch (RuntimeException e) {
            log.error("scheduled nightly run could not start: {}", e.getMessage());
        }
    }

    /**
     * On shutdown (SIGTERM), before any bean stops: ask every execution of this process to stop at its next safe
     * point (between slices) and wait up to {@code shutdown-grace}, so none stays STARTED; they end STOPPED and are
     * restartable.
     */
    @EventListener(ContextClosedEvent.class)
    public void stopRunningExecutions() {
        List<JobExecution> running = listener.running();
        if (running.isEmpty()) {
            return;
        }
        for (JobExecution execution : running) {
            listener.requestStop(execution.getId());
        }
        long deadline = System.nanoTime() + schedule.shutdownGrace().toNanos();
        while (!listener.running().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!listener.running().isEmpty()) {
            log.warn("shutdown: {} execution(s) did not stop within {}", listener.running().size(),
                    schedule.shutdownGrace());
        }
    }

    private boolean embeddedStore() {
        try (Connection c = store.getConnection()) {
            String url = c.getMetaData().getURL();
            // an H2 file opened in embedded mode is locked by this process; in-memory, server and AUTO_SERVER
            // databases can be shared, so they follow the staleness rule like PostgreSQL
            String upper = url.toUpperCase(java.util.Locale.ROOT);
            return upper.startsWith("JDBC:H2:FILE:") && !upper.contains("AUTO_SERVER=TRUE");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot inspect the job repository database: " + e.getMessage(), e);
        }
    }
}
