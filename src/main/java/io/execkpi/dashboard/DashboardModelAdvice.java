package io.execkpi.dashboard;

import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.jobs.JobControlService;
import io.execkpi.jobs.JobExecutionView;
import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobProgress;
import io.execkpi.jobs.NightlyJobConfiguration;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiResultsRepository;
import io.execkpi.warehouse.WarehouseTables;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.PageRange;

import org.springframework.batch.core.BatchStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Adds {@link Freshness} as model attribute {@code dash} to every dashboard page, so each page can say "data as of
 * &lt;date&gt; (&lt;zone&gt;)", show the stale-data and failed-night banners, and explain empty states with the
 * progress of running jobs. A handful of indexed reads of the results store and the job repository per page; the
 * warehouse's import record is read only for a KPI that has never been materialized (is it unavailable there?).
 */
@ControllerAdvice(annotations = DashboardPage.class)
public class DashboardModelAdvice {

    private final KpiCatalog catalog;
    private final KpiResultsRepository results;
    private final JobControlService jobs;
    private final ExecKpiProperties app;
    private final Clock clock;
    private final WarehouseTables tables;
    private final JobLifecycle lifecycle;

    public DashboardModelAdvice(KpiCatalog catalog, KpiResultsRepository results, JobControlService jobs,
                                ExecKpiProperties app, Clock clock, WarehouseTables tables, JobLifecycle lifecycle) {
        this.tables = tables;
        this.lifecycle = lifecycle;
        this.catalog = catalog;
        this.results = results;
        this.jobs = jobs;
        this.app = app;
        this.clock = clock;
    }

    /** The range picker's presets in days ({@link PageRange#PRESETS}), so the template does not repeat them. */
    @ModelAttribute("presets")
    public List<Integer> presets() {
        return PageRange.PRESETS;
    }

    /**
     * Nights within {@code execkpi.schedule.catch-up-days} up to yesterday whose latest nightly run did not complete
     * (FAILED, STOPPED or ABANDONED), oldest first, as business dates in {@code execkpi.zone}: the failed-nights
     * banner names them even after later nights completed (the last-run banner alone would hide them). Each is
     * restarted by the next catch-up. One job-repository read per night of the window.
     */
    @ModelAttribute("failedNights")
    public List<LocalDate> failedNights() {
        return lifecycle.failedNights();
    }

    @ModelAttribute("dash")
    public Freshness freshness() {
        Map<String, LocalDate> dates = results.latestDates();
        // only a KPI never materialized can be unavailable: the warehouse is asked about those alone
        Map<String, String> unavailable = new LinkedHashMap<>();
        for (KpiDefinition kpi : catalog.all()) {
            if (dates.get(kpi.name()) == null) {
                tables.missing(kpi.requiredTables()).ifPresent(reason -> unavailable.put(kpi.name(), reason));
            }
        }
        LocalDate yesterday = app.yesterday(clock);
        JobExecutionView nightly = jobs.lastExecution(NightlyJobConfiguration.JOB_NAME).map(JobExecutionView::of)
                .orElse(null);
        boolean failed = nightly != null && List.of(BatchStatus.FAILED.name(), BatchStatus.STOPPED.name(),
                BatchStatus.ABANDONED.name()).contains(nightly.status());
        List<JobProgress> running = jobs.running(catalog.all().size());
        return Freshness.of(app.zone(), catalog.all().stream().map(KpiDefinition::name).toList(), dates, unavailable,
                yesterday, nightly, failed, running);
    }
}
