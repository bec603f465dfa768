package io.execkpi.dashboard;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.jobs.JobControlService;
import io.execkpi.jobs.JobExecutionView;
import io.execkpi.jobs.JobProgress;
import io.execkpi.jobs.NightlyJobConfiguration;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiResultsRepository;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.PageRange;

import org.springframework.batch.core.BatchStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Adds {@link Freshness} as model attribute {@code dash} to every dashboard page, so each page can say "data as of
 * &lt;date&gt; (&lt;zone&gt;)", show the stale-data and failed-night banners, and explain empty states with the
 * progress of running jobs. A handful of indexed reads of the results store and the job repository per page.
 */
@ControllerAdvice(annotations = DashboardPage.class)
public class DashboardModelAdvice {

    private final KpiCatalog catalog;
    private final KpiResultsRepository results;
    private final JobControlService jobs;
    private final ExecKpiProperties app;
    private final Clock clock;

    public DashboardModelAdvice(KpiCatalog catalog, KpiResultsRepository results, JobControlService jobs,
                                ExecKpiProperties app, Clock clock) {
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

    @ModelAttribute("dash")
    public Freshness freshness() {
        java.util.Map<String, LocalDate> dates = results.latestDates();
        List<LocalDate> latest = catalog.all().stream().map(KpiDefinition::name).map(dates::get).toList();
        LocalDate asOf = latest.contains(null) ? null : latest.stream().filter(Objects::nonNull)
                .min(LocalDate::compareTo).orElse(null);
        LocalDate yesterday = app.yesterday(clock);
        JobExecutionView nightly = jobs.lastExecution(NightlyJobConfiguration.JOB_NAME).map(JobExecutionView::of)
                .orElse(null);
        boolean failed = nightly != null && List.of(BatchStatus.FAILED.name(), BatchStatus.STOPPED.name(),
                BatchStatus.ABANDONED.name()).contains(nightly.status());
        List<JobProgress> running = jobs.running(catalog.all().size());
        return new Freshness(app.zone(), asOf, yesterday, asOf == null || asOf.isBefore(yesterday), nightly, failed,
                running);
    }
}
