package io.execkpi.bootstrap;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.jobs.JobControlService;
import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobProgress;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.kpi.KpiProperties;
import io.execkpi.kpi.KpiResultsRepository;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Start-up work: recover executions a dead process left running, top up the embedded warehouse through
 * yesterday, materialize the KPIs for the {@code backfill-days} business dates up to yesterday that are not done
 * yet (plus the lookback), then run the nightly flow for the nights missed within {@code catch-up-days} (which
 * restarts recovered nightly executions). A second start on the same day finds everything done and does nothing.
 */
@Component
@ConditionalOnProperty(name = "execkpi.bootstrap.enabled", havingValue = "true", matchIfMissing = true)
public class StartupBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(StartupBootstrap.class);

    private final EmbeddedWarehouse embeddedWarehouse;
    private final JobRunner jobRunner;
    private final KpiCatalog catalog;
    private final KpiResultsRepository kpiResults;
    private final KpiProperties kpiProperties;
    private final BootstrapProperties properties;
    private final ExecKpiProperties app;
    private final Clock clock;
    private final JobLifecycle lifecycle;
    private final JobControlService jobs;

    public StartupBootstrap(EmbeddedWarehouse embeddedWarehouse, JobRunner jobRunner, KpiCatalog catalog,
                            KpiResultsRepository kpiResults, KpiProperties kpiProperties,
                            BootstrapProperties properties, ExecKpiProperties app, Clock clock,
                            JobLifecycle lifecycle, JobControlService jobs) {
        this.jobs = jobs;
        this.embeddedWarehouse = embeddedWarehouse;
        this.jobRunner = jobRunner;
        this.catalog = catalog;
        this.kpiResults = kpiResults;
        this.kpiProperties = kpiProperties;
        this.properties = properties;
        this.app = app;
        this.clock = clock;
        this.lifecycle = lifecycle;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "startup-progress");
            t.setDaemon(true);
            return t;
        });
        reporter.scheduleAtFixedRate(this::reportProgress, PROGRESS_EVERY_SECONDS, PROGRESS_EVERY_SECONDS,
                TimeUnit.SECONDS);
        try {
            bootstrap();
            log.info("start-up work done: the dashboard and API serve the results");
        } finally {
            reporter.shutdownNow();
        }
    }

    /** Seconds between two progress lines on the console while the start-up work runs. */
    static final int PROGRESS_EVERY_SECONDS = 5;

    /** One console line: what the start-up work is doing and, for a running job, how far it is. */
    private void reportProgress() {
        try {
            List<JobProgress> running = jobs.running(catalog.all().size());
            log.info("start-up: {}{}", phase, running.isEmpty() ? "" : " — " + running.get(0).sentence());
        } catch (RuntimeException e) {
            log.debug("progress report skipped", e);
        }
    }

    private volatile String phase = "starting";

    private void bootstrap() throws Exception {
        lifecycle.recoverDeadExecutions();
        LocalDate yesterday = app.yesterday(clock);
        phase = "step 1 of 3, bringing the embedded warehouse up to " + yesterday;
        log.info("start-up: {}", phase);
        embeddedWarehouse.ensureGeneratedThrough(yesterday);
        LocalDate first = yesterday.minusDays(properties.backfillDays() - 1L);
        Optional<LocalDate> missing = catalog.all().stream()
                .map(KpiDefinition::name)
                .flatMap(kpi -> kpiResults.firstMissingDate(kpi, first, yesterday).stream())
                .min(LocalDate::compareTo);
        if (missing.isEmpty()) {
            log.info("KPIs are materialized for {}..{}; nothing to backfill", first, yesterday);
        } else {
            LocalDate lookback = yesterday.minusDays(kpiProperties.lookbackDays());
            LocalDate from = missing.get().isBefore(lookback) ? missing.get() : lookback;
            phase = "step 2 of 3, materializing the KPIs for " + from + ".." + yesterday;
            log.info("start-up: {}", phase);
            JobExecution kpi = jobRunner.run(KpiJobConfiguration.JOB_NAME, new JobRequest(yesterday, from, false));
            log.info("start-up KPI backfill {}..{}: {}", from, yesterday, kpi.getStatus());
            if (kpi.getStatus() != BatchStatus.COMPLETED) {
                // e.g. yesterday's data has not arrived: the nights before it still run (each materializes its own
                // dates), and the failed ones stay visible, alerted and retried
                log.warn("start-up KPI backfill ended {}; the nightly catch-up runs anyway", kpi.getStatus());
            }
        }
        // nights missed while the app was down (and yesterday's): kpi -> ab -> ml, a no-op when already done
        phase = "step 3 of 3, nightly runs (KPIs, A/B evaluation, model) of missed nights up to " + yesterday;
        log.info("start-up: {}", phase);
        lifecycle.catchUp();
    }
}
