package io.execkpi.quality;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import io.execkpi.jobs.JobEndedEvent;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.jobs.NightlyJobConfiguration;
import io.execkpi.jobs.ScheduleProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Retries a night whose data has not arrived yet, instead of waiting a day: when a {@code nightlyJob} execution of
 * this process ends FAILED and its business date has an error-level source freshness result ({@link QualityGate}),
 * the night is restarted every {@code execkpi.schedule.stale-retry-every} until it completes, fails for another
 * reason, or {@code execkpi.schedule.stale-retry-for} has passed since its first stale failure (then the next
 * scheduled run or start-up catch-up restarts it). Each failed attempt keeps the previous results visible (the gate
 * fails the step before any row is written) and its {@code source-stale} alert is queued once per KPI, date and check.
 * Only with the in-process schedule on ({@code execkpi.schedule.nightly} not {@code -}); retries run on a thread of
 * their own, never on a job's thread.
 */
@Component
public class StaleSourceRetry {

    private static final Logger log = LoggerFactory.getLogger(StaleSourceRetry.class);

    private final JobRepository jobRepository;
    private final JobRunner jobRunner;
    private final QualityResultsRepository results;
    private final ScheduleProperties schedule;
    private final Clock clock;
    /** Business date → the instant its nightly run first failed on a stale source, while retries go on. */
    private final Map<LocalDate, Instant> retrying = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stale-source-retry");
        t.setDaemon(true);
        return t;
    });

    public StaleSourceRetry(JobRepository jobRepository, JobRunner jobRunner, QualityResultsRepository results,
                            ScheduleProperties schedule, Clock clock) {
        this.jobRepository = jobRepository;
        this.jobRunner = jobRunner;
        this.results = results;
        this.schedule = schedule;
        this.clock = clock;
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** Business dates whose nightly run is waiting for a retry, with the instant of its first stale failure. */
    public Map<LocalDate, Instant> retrying() {
        return Map.copyOf(retrying);
    }

    /**
     * The instant of the next attempt after a stale failure at {@code now}: {@code now + every}, unless that is later
     * than {@code firstFailure + retryFor} (then none: give up).
     */
    static Optional<Instant> nextAttempt(Instant firstFailure, Instant now, Duration every, Duration retryFor) {
        Instant next = now.plus(every);
        return next.isAfter(firstFailure.plus(retryFor)) ? Optional.empty() : Optional.of(next);
    }

    /** Schedules the next attempt of a nightly run that failed on a stale source; forgets a night that completed. */
    @EventListener
    public void jobEnded(JobEndedEvent event) {
        if (!event.jobName().equals(NightlyJobConfiguration.JOB_NAME) || !schedule.enabled()) {
            return;
        }
        JobExecution execution = jobRepository.getJobExecution(event.executionId());
        LocalDate date = execution == null ? null : execution.getJobParameters().getLocalDate(JobRequest.DATE);
        if (date == null) {
            return;
        }
        if (!event.status().equals("FAILED") || !results.hasError(date, "freshness")) {
            if (retrying.remove(date) != null) {
                log.info("nightlyJob for {} ended {}: no more stale-source retries", date, event.status());
            }
            return;
        }
        Instant now = clock.instant();
        Instant first = retrying.computeIfAbsent(date, d -> now);
        Optional<Instant> next = nextAttempt(first, now, schedule.staleRetryEvery(), schedule.staleRetryFor());
        if (next.isEmpty()) {
            retrying.remove(date);
            log.warn("nightlyJob for {} still has a stale source {} after its first failure: no more retries; the next"
                    + " scheduled run restarts it", date, Duration.between(first, now));
            return;
        }
        log.info("nightlyJob for {} failed on a stale source: retry at {} (every {}, until {})", date, next.get(),
                schedule.staleRetryEvery(), first.plus(schedule.staleRetryFor()));
        try {
            executor.schedule(() -> retry(date), schedule.staleRetryEvery().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.info("not retrying nightlyJob for {}: shutting down", date);
        }
    }

    private void retry(LocalDate date) {
        try {
            JobExecution execution = jobRunner.run(NightlyJobConfiguration.JOB_NAME, new JobRequest(date, null, false));
            log.info("stale-source retry of nightlyJob for {}: {}", date, execution.getStatus());
            if (execution.getStatus() == BatchStatus.COMPLETED) {
                retrying.remove(date); // completed meanwhile by another run
            }
        } catch (JobExecutionAlreadyRunningException e) {
            log.info("stale-source retry of nightlyJob for {}: it is running already", date);
        } catch (Exception e) {
            retrying.remove(date);
            log.error("stale-source retry of nightlyJob for {} could not start: {}", date, e.getMessage());
        }
    }
}
