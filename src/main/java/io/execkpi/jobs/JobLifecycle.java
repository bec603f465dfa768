package io.execkpi.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import javax.sql.DataSource;

import io.execkpi.config.ExecKpiProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
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

    public JobLifecycle(JobRepository jobRepository, JobOperator jobOperator, JobRunner jobRunner,
                        RunningExecutions listener, ScheduleProperties schedule, ExecKpiProperties app,
                        DataSource store, Clock clock) {
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
     * store only those not updated for {@code execkpi.schedule.stale-after} are.
     */
    public int recoverDeadExecutions() {
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
     * Runs nightlyJob for the missed nights within {@code catch-up-days} up to yesterday, oldest first (nothing when
     * the schedule is disabled: then another process, e.g. a Kubernetes CronJob, owns the nightly runs).
     */
    public void catchUp() throws Exception {
        if ("-".equals(schedule.nightly().strip())) {
            return;
        }
        LocalDate yesterday = app.yesterday(clock);
        for (int back = schedule.catchUpDays() - 1; back >= 0; back--) {
            JobExecution execution;
            try {
                execution = jobRunner.run(NightlyJobConfiguration.JOB_NAME,
                        new JobRequest(yesterday.minusDays(back), null, false));
            } catch (JobExecutionAlreadyRunningException e) {
                log.info("catch-up: nightlyJob for {} is running in another process", yesterday.minusDays(back));
                return;
            }
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                log.warn("catch-up stopped: nightlyJob for {} ended {}", yesterday.minusDays(back),
                        execution.getStatus());
                return;
            }
        }
    }

    /**
     * The nightly run for yesterday. Several replicas may fire at once: the job repository admits one execution per
     * date, so the others find it running or completed and do nothing.
     */
    @Scheduled(cron = "${execkpi.schedule.nightly:0 30 2 * * *}", zone = "${execkpi.zone:UTC}")
    public void nightly() {
        LocalDate date = app.yesterday(clock);
        try {
            JobExecution execution = jobRunner.run(NightlyJobConfiguration.JOB_NAME, new JobRequest(date, null, false));
            log.info("scheduled nightlyJob for {}: {}", date, execution.getStatus());
        } catch (JobExecutionAlreadyRunningException e) {
            log.info("scheduled nightlyJob for {} is already running elsewhere; nothing to do", date);
        } catch (Exception e) {
            log.error("scheduled nightlyJob for {} could not start: {}", date, e.getMessage());
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
