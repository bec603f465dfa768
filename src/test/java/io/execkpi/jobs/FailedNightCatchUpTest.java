package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.support.Poison;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestClock;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One failed night does not block the nights after it. Of three nights to catch up, the oldest fails
 * (its KPI run meets a date the results store refuses: a poison constraint on its oldest lookback date, which only
 * that night materializes); the catch-up still runs the two later nights to completion (KPIs, A/B evaluation, model).
 * The failed night stays FAILED in the job repository with its job-failed alert queued, and the next catch-up (the
 * next start or scheduled run) restarts it to completion, which queues a job-recovered alert. Before the fix, the
 * catch-up stopped at the failed night and the later nights never ran.
 */
class FailedNightCatchUpTest {

    @Test
    void aFailedNightIsSkippedAlertedAndRestartedByTheNextCatchUp() throws Exception {
        Path dir = TestData.newDataDir("catch-up");
        LocalDate yesterday = TestClock.YESTERDAY;
        // scale 0.1: enough users buy (the generator's frailty concentrates purchases) for mlJob's 10 converters
        try (ConfigurableApplicationContext app = TestApps.start(dir, yesterday.minusDays(120), "0.1",
                // on, but never firing during the test: the test calls the catch-up itself
                "--execkpi.schedule.nightly=0 0 3 1 1 *", "--execkpi.schedule.catch-up-days=3",
                // a webhook that is never called (the sender polls once an hour): the outbox is inspected
                "--execkpi.alerts.webhooks[0].url=http://127.0.0.1:9/alerts", "--execkpi.alerts.poll-interval=1h")) {
            assertThat(app.getBean(ExecKpiProperties.class).yesterday(app.getBean(java.time.Clock.class)))
                    .isEqualTo(yesterday);
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(yesterday);
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            LocalDate first = yesterday.minusDays(2);
            // kpiJob for night N re-materializes N-2..N: only the first night's range holds first-2
            Poison.add(store, "catch_up_poison", "kpi_revenue_daily", "date", first.minusDays(2));
            JobLifecycle lifecycle = app.getBean(JobLifecycle.class);

            List<JobExecution> nights = lifecycle.catchUp();
            assertThat(nights).extracting(e -> e.getJobParameters().getLocalDate(JobRequest.DATE) + " " + e.getStatus())
                    .containsExactly(first + " FAILED", first.plusDays(1) + " COMPLETED", yesterday + " COMPLETED");
            long failedId = nights.get(0).getId();
            // the later nights did their whole work: A/B evaluation and scores of yesterday are stored
            assertThat(store.queryForObject("SELECT COUNT(*) FROM ab_results WHERE evaluation_date = ?", Integer.class,
                    yesterday)).isPositive();
            assertThat(store.queryForObject("SELECT COUNT(*) FROM ml_scores WHERE business_date = ?", Integer.class,
                    yesterday)).isPositive();
            // the failed night stays visible and alerted
            assertThat(store.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?",
                    String.class, failedId)).isEqualTo("FAILED");
            assertThat(store.queryForList("SELECT dedup_key FROM alert_outbox WHERE event = 'job-failed'", String.class))
                    .contains("job-failed/nightlyJob/" + failedId);
            assertThat(lifecycle.failedNights()).containsExactly(first);
            // the dashboard's failed-nights banner names it although the last nightly run completed
            assertThat(app.getBean(io.execkpi.dashboard.DashboardModelAdvice.class).failedNights())
                    .containsExactly(first);

            // the next catch-up, with the fault gone, restarts the failed night and leaves the others alone
            Poison.remove(store, "catch_up_poison", "kpi_revenue_daily");
            List<JobExecution> again = lifecycle.catchUp();
            assertThat(again).extracting(e -> e.getJobParameters().getLocalDate(JobRequest.DATE) + " " + e.getStatus())
                    .containsExactly(first + " COMPLETED", first.plusDays(1) + " COMPLETED", yesterday + " COMPLETED");
            assertThat(again.get(0).getId()).isNotEqualTo(failedId);
            assertThat(again.get(0).getJobInstanceId()).isEqualTo(nights.get(0).getJobInstanceId());
            assertThat(again.get(1).getId()).isEqualTo(nights.get(1).getId());
            assertThat(lifecycle.failedNights()).isEmpty();
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date = ?", Integer.class,
                    first.minusDays(2))).isEqualTo(1);
            assertThat(store.queryForList("SELECT dedup_key FROM alert_outbox WHERE event = 'job-recovered'",
                    String.class)).contains("job-recovered/nightlyJob/" + again.get(0).getId());
        }
    }

    /**
     * At start-up, a KPI backfill that fails because yesterday's data has not arrived no longer skips the catch-up:
     * the nights before yesterday run to completion, yesterday's fails on its stale source (and is retried later).
     */
    @Test
    void aStartUpWhoseBackfillFailsOnYesterdaysMissingDataStillCatchesUpTheNightsBefore() throws Exception {
        Path dir = TestData.newDataDir("catch-up-start");
        LocalDate yesterday = TestClock.YESTERDAY;
        String[] common = {"--execkpi.schedule.nightly=0 0 3 1 1 *", "--execkpi.schedule.catch-up-days=3",
                "--execkpi.schedule.stale-retry-for=0s", "--execkpi.bootstrap.backfill-days=10"};
        try (ConfigurableApplicationContext load = TestApps.start(dir, yesterday.minusDays(120), "0.05", common)) {
            load.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(yesterday.minusDays(1));
        }
        // the loader has not delivered yesterday yet: the start-up does not generate it
        try (ConfigurableApplicationContext app = TestApps.start(dir, yesterday.minusDays(120), "0.05",
                with(with(common, "--execkpi.thelook.generate=false"), "--execkpi.bootstrap.enabled=true"))) {
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            List<String> nights = store.queryForList("SELECT p.PARAMETER_VALUE || ' ' || e.STATUS FROM"
                    + " BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID"
                    + " JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID"
                    + " WHERE i.JOB_NAME = 'nightlyJob' AND p.PARAMETER_NAME = 'date' ORDER BY e.JOB_EXECUTION_ID",
                    String.class);
            assertThat(nights).containsExactly(yesterday.minusDays(2) + " COMPLETED",
                    yesterday.minusDays(1) + " COMPLETED", yesterday + " FAILED");
            assertThat(store.queryForObject("SELECT COUNT(*) FROM ab_results WHERE evaluation_date = ?",
                    Integer.class, yesterday.minusDays(1))).isPositive();
        }
    }

    private static String[] with(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
