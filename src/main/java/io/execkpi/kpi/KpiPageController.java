package io.execkpi.kpi;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.execkpi.web.ApiException;
import io.execkpi.web.Charts;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.Formats;
import io.execkpi.web.PageRange;
import io.execkpi.warehouse.SqlFiles;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Dashboard pages of the KPI catalog: {@code /kpis} lists them, {@code /kpis/{name}} shows one KPI over a date range
 * (chart of its value columns, table, CSV link, definition and lineage). Built from the catalog alone, so a KPI added
 * to {@code jobs/kpis.yml} gets its page without page code; {@code funnel_daily} and {@code retention_weekly} add a
 * funnel chart and a cohort heatmap. Rows come from {@link KpiController#rows}, the JSON endpoint's own read path.
 */
@Controller
@DashboardPage
public class KpiPageController {

    static final String FUNNEL = "funnel_daily";
    static final String RETENTION = "retention_weekly";
    private static final List<String> STAGES = List.of("home", "department", "product", "cart", "purchase");

    private final KpiCatalog catalog;
    private final KpiController api;
    private final KpiResultsRepository results;
    private final SqlFiles sqlFiles;
    private final Formats fmt;

    public KpiPageController(KpiCatalog catalog, KpiController api, KpiResultsRepository results, SqlFiles sqlFiles,
                             Formats fmt) {
        this.fmt = fmt;
        this.catalog = catalog;
        this.api = api;
        this.results = results;
        this.sqlFiles = sqlFiles;
    }

    @GetMapping("/kpis")
    public String index(Model model) {
        model.addAttribute("kpis", api.list());
        return "kpi/index";
    }

    @GetMapping("/kpis/{name}")
    public String kpi(@PathVariable String name, @RequestParam(required = false) String days,
                      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                      Model model) {
        KpiDefinition kpi = catalog.find(name).orElseThrow(() -> ApiException.notFound("There is no KPI '" + name
                + "'. Known KPIs: " + String.join(", ", catalog.all().stream().map(KpiDefinition::name).toList())));
        LocalDate latest = results.latestDate(kpi.name()).orElse(null);
        PageRange range = PageRange.resolve(days, from, to, latest);
        KpiController.KpiRows rows = api.rows(name, range.fromParam(), range.toParam());
        model.addAttribute("kpi", kpi);
        model.addAttribute("range", range.withResolved(rows.from(), rows.to()));
        model.addAttribute("rows", rows);
        model.addAttribute("latest", latest);
        model.addAttribute("table", table(kpi, rows.rows(), fmt));
        List<LineageEntry> lineage = lineage(kpi, rows);
        model.addAttribute("lineage", lineage);
        model.addAttribute("lineageDates", lineage.stream().mapToInt(LineageEntry::dates).sum());
        model.addAttribute("sql", sqlText(kpi));
        model.addAttribute("sqlDialect", sqlFiles.dialect());
        model.addAttribute("charts", charts(kpi, rows));
        if (FUNNEL.equals(kpi.name())) {
            model.addAttribute("funnel", funnel(rows.rows()));
        }
        if (RETENTION.equals(kpi.name())) {
            model.addAttribute("cohorts", cohorts(rows.rows()));
        }
        return "kpi/kpi";
    }

    /** A formatted table cell; numbers are right-aligned. */
    public record Cell(String text, boolean numeric) {
    }

    /**
     * The rows as formatted cells, in catalog column order: counts with separators, decimals with 2 to 4 fraction
     * digits, dates and text as they are (formatted here once, not per cell in the template: a 365-day range of a KPI
     * with several keys has thousands of cells).
     */
    static List<List<Cell>> table(KpiDefinition kpi, List<Map<String, Object>> rows, Formats fmt) {
        List<KpiDefinition.Column> columns = kpi.columns();
        List<List<Cell>> table = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            List<Cell> cells = new ArrayList<>(columns.size());
            for (KpiDefinition.Column c : columns) {
                Object v = r.get(c.name());
                cells.add(switch (c.type()) {
                    case "integer" -> new Cell(fmt.integer((Number) v), true);
                    case "decimal" -> new Cell(fmt.number((Number) v), true);
                    default -> new Cell(v == null ? Formats.NONE : String.valueOf(v), false);
                });
            }
            table.add(cells);
        }
        return table;
    }

    /** Value columns that can be drawn (integer and decimal), in catalog order. */
    static List<KpiDefinition.Column> numericValues(KpiDefinition kpi) {
        return kpi.values().stream().filter(c -> c.type().equals("integer") || c.type().equals("decimal")).toList();
    }

    /** One small time-series chart of a value column. */
    public record ColumnChart(String id, KpiDefinition.Column column, Map<String, Object> option) {
    }

    /**
     * One time-series chart per numeric value column (small multiples: each on its own scale), x = the partition
     * dates of the rows (ISO). When the KPI has keys besides its partition (e.g. experiment and arm), a series per
     * combination of those keys, named by their values joined with " / ".
     */
    static List<ColumnChart> charts(KpiDefinition kpi, KpiController.KpiRows rows) {
        List<String> x = rows.rows().stream().map(r -> String.valueOf(r.get(kpi.partition()))).distinct().toList();
        List<String> otherKeys = kpi.keys().stream().map(KpiDefinition.Column::name)
                .filter(k -> !k.equals(kpi.partition())).toList();
        List<ColumnChart> charts = new ArrayList<>();
        for (KpiDefinition.Column c : numericValues(kpi)) {
            List<Charts.Series> series = new ArrayList<>();
            if (otherKeys.isEmpty()) {
                series.add(new Charts.Series(c.name(), rows.rows().stream().map(r -> (Number) r.get(c.name())).toList()));
            } else {
                Map<String, Map<String, Number>> byGroup = new LinkedHashMap<>();
                for (Map<String, Object> r : rows.rows()) {
                    String group = otherKeys.stream().map(k -> String.valueOf(r.get(k)))
                            .reduce((a, b) -> a + " / " + b).orElse("");
                    byGroup.computeIfAbsent(group, g -> new LinkedHashMap<>())
                            .put(String.valueOf(r.get(kpi.partition())), (Number) r.get(c.name()));
                }
                byGroup.forEach((group, values) -> series.add(new Charts.Series(group,
                        x.stream().map(values::get).toList())));
            }
            charts.add(new ColumnChart("chart-" + c.name(), c, Charts.lines(x, series, series.size() == 1)));
        }
        return charts;
    }

    /** Funnel stage totals over the rows, with each stage's rate from the stage before (null when that is 0). */
    public record Stage(String name, long sessions, Double rateFromPrevious, Double rateFromFirst) {
    }

    public record Funnel(List<Stage> stages, Map<String, Object> chart) {
    }

    static Funnel funnel(List<Map<String, Object>> rows) {
        List<Stage> stages = new ArrayList<>();
        long first = 0;
        long previous = 0;
        for (int i = 0; i < STAGES.size(); i++) {
            String stage = STAGES.get(i);
            long total = rows.stream().map(r -> (Number) r.get(stage + "_sessions")).filter(Objects::nonNull)
                    .mapToLong(Number::longValue).sum();
            if (i == 0) {
                first = total;
            }
            stages.add(new Stage(stage, total, i == 0 || previous == 0 ? null : (double) total / previous,
                    first == 0 ? null : (double) total / first));
            previous = total;
        }
        return new Funnel(stages, Charts.funnel(STAGES, stages.stream().map(Stage::sessions).toList()));
    }

    /**
     * Cohort × week matrix of retention rates with the counts behind them; heatmap cells are
     * {@code [week, cohort index, rate, active users, cohort users]}.
     */
    public record Cohort(String cohortWeek, long cohortUsers, List<Double> rates, List<Long> active) {
    }

    public record Cohorts(List<String> weeks, List<Cohort> cohorts, Map<String, Object> chart) {
    }

    static Cohorts cohorts(List<Map<String, Object>> rows) {
        int weekCount = rows.stream().mapToInt(r -> ((Number) r.get("week_n")).intValue()).max().orElse(-1) + 1;
        Map<String, Cohort> byCohort = new LinkedHashMap<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        List<List<Number>> cells = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String c = String.valueOf(r.get("cohort_week"));
            int w = ((Number) r.get("week_n")).intValue();
            long users = ((Number) r.get("cohort_users")).longValue();
            long active = ((Number) r.get("active_users")).longValue();
            Number rate = (Number) r.get("retention_rate");
            Cohort cohort = byCohort.computeIfAbsent(c, k -> new Cohort(k, users,
                    new ArrayList<>(java.util.Collections.nCopies(weekCount, (Double) null)),
                    new ArrayList<>(java.util.Collections.nCopies(weekCount, (Long) null))));
            cohort.rates().set(w, rate == null ? null : rate.doubleValue());
            cohort.active().set(w, active);
            cells.add(List.of(w, index.computeIfAbsent(c, k -> index.size()), rate == null ? 0 : rate.doubleValue(),
                    active, users));
        }
        List<String> weeks = java.util.stream.IntStream.range(0, weekCount).mapToObj(String::valueOf).toList();
        return new Cohorts(weeks, List.copyOf(byCohort.values()),
                Charts.heatmap(weeks, List.copyOf(index.keySet()), cells, "retention rate"));
    }

    /** Which executions materialized the range's business dates: one entry per execution, oldest first. */
    public record LineageEntry(long jobExecutionId, LocalDate firstDate, LocalDate lastDate, int dates,
                               java.time.Instant materializedAt) {
    }

    List<LineageEntry> lineage(KpiDefinition kpi, KpiController.KpiRows rows) {
        Map<Long, LineageEntry> byExecution = new LinkedHashMap<>();
        for (KpiResultsRepository.Lineage l : results.lineage(kpi.name(), rows.from(), rows.to())) {
            byExecution.merge(l.jobExecutionId(), new LineageEntry(l.jobExecutionId(), l.businessDate(),
                    l.businessDate(), 1, l.materializedAt()), (a, b) -> new LineageEntry(a.jobExecutionId(),
                    a.firstDate(), b.lastDate(), a.dates() + 1,
                    a.materializedAt().isAfter(b.materializedAt()) ? a.materializedAt() : b.materializedAt()));
        }
        return List.copyOf(byExecution.values());
    }

    private String sqlText(KpiDefinition kpi) {
        try {
            return sqlFiles.sql(kpi.sql());
        } catch (RuntimeException e) {
            return "(the SQL file " + kpi.sql() + ".sql is not available for dialect " + sqlFiles.dialect() + ")";
        }
    }
}
