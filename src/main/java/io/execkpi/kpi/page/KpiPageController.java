package io.execkpi.kpi.page;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiReads;
import io.execkpi.warehouse.SqlFiles;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.Formats;
import io.execkpi.web.PageRange;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Dashboard pages of the KPI catalog: {@code /kpis} lists them, {@code /kpis/{name}} shows one KPI over a date range
 * (chart of its value columns, table, CSV link, definition and lineage). Built from the catalog alone, so a KPI added
 * to {@code jobs/kpis.yml} gets its page without page code; its {@code page} section adds a funnel
 * ({@link FunnelView}) or a cohort heatmap ({@link CohortView}), its breakdown a "By dimension" section
 * ({@link BreakdownView}: {@code ?by=<dimension>}, filtered by {@code ?<dimension>=<value>}). Reads through {@link KpiReads}, the JSON endpoint's
 * read path, and only what it shows: the range as {@link KpiReads#range} resolves it, one page of the table and the
 * row count, and the chart's rows grouped in SQL; the funnel and the cohorts read their KPI's every row (one per day,
 * or per cohort and week).
 */
@Controller
@DashboardPage
public class KpiPageController {

    private final KpiReads reads;
    private final KpiCatalog catalog;
    private final SqlFiles sqlFiles;
    private final Formats fmt;

    public KpiPageController(KpiReads reads, KpiCatalog catalog, SqlFiles sqlFiles, Formats fmt) {
        this.reads = reads;
        this.catalog = catalog;
        this.sqlFiles = sqlFiles;
        this.fmt = fmt;
    }

    @GetMapping("/kpis")
    public String index(Model model) {
        model.addAttribute("kpis", reads.catalog());
        return "kpi/index";
    }

    @GetMapping("/kpis/{name}")
    public String kpi(@PathVariable String name, @RequestParam(required = false) String days,
                      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                      @RequestParam(required = false) String page, @RequestParam(required = false) String by,
                      @RequestParam Map<String, String> query, Model model) {
        KpiDefinition kpi = reads.kpi(name);
        LocalDate latest = reads.latestDate(kpi.name()).orElse(null);
        PageRange range = PageRange.resolve(days, from, to, latest);
        KpiReads.Range span = reads.range(name, range.fromParam(), range.toParam());
        model.addAttribute("kpi", kpi);
        model.addAttribute("range", range.withResolved(span.from(), span.to()));
        model.addAttribute("span", span);
        model.addAttribute("latest", latest);
        // only the shown page of rows leaves the store, plus their count and what the charts draw
        long total = reads.count(span);
        int pages = (int) Math.max(1, (total + KpiTable.PAGE_SIZE - 1) / KpiTable.PAGE_SIZE);
        int shown = Math.min(KpiTable.pageNumber(page), pages);
        model.addAttribute("table", KpiTable.table(kpi, reads.page(span, shown, KpiTable.PAGE_SIZE), shown, total,
                fmt));
        model.addAttribute("pageSize", KpiTable.PAGE_SIZE);
        List<KpiReads.LineageEntry> lineage = reads.lineage(span);
        model.addAttribute("lineage", lineage);
        model.addAttribute("lineageDates", lineage.stream().mapToInt(KpiReads.LineageEntry::dates).sum());
        model.addAttribute("sql", sqlText(kpi));
        model.addAttribute("sqlDialect", sqlFiles.dialect());
        model.addAttribute("chartNote", KpiCharts.chartNote(kpi));
        model.addAttribute("chartGroups", KpiCharts.charts(kpi,
                reads.chartRows(span, KpiCharts.chartedColumns(kpi))));
        KpiDefinition.Page sections = kpi.page();
        if (sections.funnel() != null) {
            model.addAttribute("funnel", FunnelView.funnel(sections.funnel(), reads.rows(span).rows()));
        }
        if (sections.cohorts() != null) {
            CohortView.Cohorts cohorts = CohortView.cohorts(sections.cohorts(), kpi.partition(),
                    reads.rows(span).rows());
            model.addAttribute("cohorts", cohorts);
            model.addAttribute("cohortRows", CohortView.cohortRows(cohorts, fmt));
        }
        if (kpi.breakdown() == null && by != null && !by.isBlank()) {
            throw io.execkpi.web.ApiException.badRequest("KPI '" + kpi.name() + "' has no dimensions: query parameter"
                    + " 'by' does not apply");
        }
        if (kpi.breakdown() != null) {
            Map<String, String> filter = new LinkedHashMap<>();
            query.forEach((k, v) -> {
                if (kpi.breakdown().dimensions().contains(k)) {
                    filter.put(k, v);
                }
            });
            BreakdownView.Section section = BreakdownView.section(reads, kpi, span.from(), span.to(), by, filter,
                    d -> catalog.dimension(d).orElseThrow());
            model.addAttribute("breakdown", section);
            // a new range keeps the filter and the dimension asked for
            Map<String, String> keep = new LinkedHashMap<>(filter);
            if (by != null && !by.isBlank()) {
                keep.put("by", section.by());
            }
            model.addAttribute("keep", keep);
            org.springframework.web.util.UriComponentsBuilder q = org.springframework.web.util.UriComponentsBuilder
                    .newInstance();
            keep.forEach(q::queryParam);
            model.addAttribute("keepQuery", q.encode().build().getQuery());
        }
        return "kpi/kpi";
    }

    private String sqlText(KpiDefinition kpi) {
        try {
            return sqlFiles.sql(kpi.sql());
        } catch (RuntimeException e) {
            return "(the SQL file " + kpi.sql() + ".sql is not available for dialect " + sqlFiles.dialect() + ")";
        }
    }
}
