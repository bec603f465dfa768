package io.execkpi.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.NightlyJobConfiguration;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestClock;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A night whose source data has not arrived is retried on {@code execkpi.schedule.stale-retry-every}
 * instead of a day later. The warehouse is loaded only through the day before yesterday; the scheduled run for
 * yesterday fails on the freshness gate; the retries (every 200 ms here) fail the same way, keeping the previous
 * results visible, until the day is loaded, and the next retry completes the same job instance. When to give up is a
 * pure function of the first failure, the clock and the settings, tested on its own.
 */
class StaleSourceRetryTest {

    @Test
    void aStaleNightIsRetriedOnTheCadenceUntilItsDataArrives() throws Exception {
        Path dir = TestData.newDataDir("stale-retry");
        LocalDate yesterday = TestClock.YESTERDAY;
        try (ConfigurableApplicationContext app = TestApps.start(dir, yesterday.minusDays(120), "0.05",
                // on, but never firing during the test: the test calls the scheduled method itself
                "--execkpi.schedule.nightly=0 0 3 1 1 *", "--execkpi.schedule.catch-up-days=1",
                "--execkpi.schedule.stale-retry-every=200ms", "--execkpi.schedule.stale-retry-for=1h")) {
            EmbeddedWarehouse warehouse = app.getBean(EmbeddedWarehouse.class);
            warehouse.ensureGeneratedThrough(yesterday.minusDays(1));
            JobRepository repository = app.getBean(JobRepository.class);
            StaleSourceRetry retry = app.getBean(StaleSourceRetry.class);
            JdbcTemplate store = app.getBean(JdbcTemplate.class);

            app.getBean(JobLifecycle.class).nightly();
            JobExecution first = last(repository, yesterday);
            assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(app.getBean(QualityResultsRepository.class).hasError(yesterday, "freshness")).isTrue();
            assertThat(retry.retrying()).containsKey(yesterday);

            // retried without anyone launching it: a later execution of the same instance, failing the same way
            JobExecution retried = awaitExecutionAfter(repository, yesterday, first.getId());
            assertThat(retried.getJobInstanceId()).isEqualTo(first.getJobInstanceId());
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date = ?", Integer.class,
                    yesterday)).as("nothing published for a day whose data has not arrived").isZero();

            warehouse.ensureGeneratedThrough(yesterday); // the data arrives
            JobExecution completed = awaitStatus(repository, yesterday, BatchStatus.COMPLETED);
            assertThat(completed.getJobInstanceId()).isEqualTo(first.getJobInstanceId());
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date = ?", Integer.class,
                    yesterday)).isEqualTo(1);
            assertThat(app.getBean(QualityResultsRepository.class).hasError(yesterday, "freshness")).isFalse();
            // the retry thread forgets the date once its run has returned, just after the status is committed
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (retry.retrying().containsKey(yesterday) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(retry.retrying()).doesNotContainKey(yesterday);
        }
    }

    @Test
    void retriesStopOnceTheNextAttemptWouldBeLaterThanTheRetryPeriod() {
        Instant first = Instant.parse("2026-11-30T02:30:00Z");
        Duration every = Duration.ofMinutes(30);
        Duration period = Duration.ofHours(6);
        assertThat(StaleSourceRetry.nextAttempt(first, first, every, period))
                .contains(Instant.parse("2026-11-30T03:00:00Z"));
        // the 12th retry at 08:30 is the last one inside the 6 hours
        assertThat(StaleSourceRetry.nextAttempt(first, Instant.parse("2026-11-30T08:00:00Z"), every, period))
                .contains(Instant.parse("2026-11-30T08:30:00Z"));
        assertThat(StaleSourceRetry.nextAttempt(first, Instant.parse("2026-11-30T08:30:01Z"), every, period))
                .isEmpty();
        assertThat(StaleSourceRetry.nextAttempt(first, first, every, Duration.ZERO)).as("0 disables").isEqualTo(
                Optional.empty());
    }

    private static JobExecution last(JobRepository repository, LocalDate date) {
        return repository.getLastJobExecution(NightlyJobConfiguration.JOB_NAME,
                new JobRequest(date, null, false).toJobParameters());
    }

    private static JobExecution awaitExecutionAfter(JobRepository repository, LocalDate date, long id)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JobExecution last = last(repository, date);
            if (last.getId() > id && !last.getStatus().isRunning()) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no retry of nightlyJob for " + date + " after execution " + id);
    }

    private static JobExecution awaitStatus(JobRepository repository, LocalDate date, BatchStatus status)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            JobExecution last = last(repository, date);
            if (last.getStatus() == status) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nightlyJob for " + date + " never reached " + status);
    }
}
