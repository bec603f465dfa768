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
import org.springframework.web.util.HtmlUtils;

/**
 * Dashboard pages of the KPI catalog: {@code /kpis} lists them, {@code /kpis/{name}} shows one KPI over a date range
 * (chart of its value columns, table, CSV link, definition and lineage). Built from the catalog alone, so a KPI added
 * to {@code jobs/kpis.yml} gets its page without page code; {@code funnel_daily} and {@code retention_weekly} add a
 * funnel chart and a cohort heatmap. The page reads through {@link KpiResultsRepository}, the JSON endpoint's own
 * repository, and only what it shows: the range as {@link KpiController#range} resolves it, one page of the table
 * ({@link KpiResultsRepository#readPage}) and the row count, and the chart's rows grouped in SQL
 * ({@link KpiResultsRepository#readChart}); the reads are kept in {@link KpiReadCache} like the API's. The funnel
 * and the cohort heatmap read their KPI's every row through {@link KpiController#rows} (one row per day or cohort
 * week and week).
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
    private final KpiReadCache cache;

    public KpiPageController(KpiCatalog catalog, KpiController api, KpiResultsRepository results, SqlFiles sqlFiles,
                             Formats fmt, KpiReadCache cache) {
        this.fmt = fmt;
        this.cache = cache;
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
                      @RequestParam(required = false) String page, Model model) {
        KpiDefinition kpi = catalog.find(name).orElseThrow(() -> ApiException.notFound("There is no KPI '" + name
                + "'. Known KPIs: " + String.join(", ", catalog.all().stream().map(KpiDefinition::name).toList())));
        LocalDate latest = results.latestDate(kpi.name()).orElse(null);
        PageRange range = PageRange.resolve(days, from, to, latest);
        KpiController.Range span = api.range(name, range.fromParam(), range.toParam());
        LocalDate f = span.from();
        LocalDate t = span.to();
        model.addAttribute("kpi", kpi);
        model.addAttribute("range", range.withResolved(f, t));
        model.addAttribute("span", span);
        model.addAttribute("latest", latest);
        // only the shown page of rows leaves the store, plus their count and what the charts draw
        long total = cache.get(kpi.name(), "count", f, t, () -> results.count(kpi, f, t));
        int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int shown = Math.min(pageNumber(page), pages);
        List<Map<String, Object>> pageRows = cache.get(kpi.name(), "page " + shown, f, t,
                () -> results.readPage(kpi, f, t, (shown - 1L) * PAGE_SIZE, PAGE_SIZE));
        model.addAttribute("table", table(kpi, pageRows, shown, total, fmt));
        model.addAttribute("pageSize", PAGE_SIZE);
        List<LineageEntry> lineage = lineage(kpi, f, t);
        model.addAttribute("lineage", lineage);
        model.addAttribute("lineageDates", lineage.stream().mapToInt(LineageEntry::dates).sum());
        model.addAttribute("sql", sqlText(kpi));
        model.addAttribute("sqlDialect", sqlFiles.dialect());
        model.addAttribute("chartNote", chartNote(kpi));
        model.addAttribute("chartGroups", cache.get(kpi.name(), "chart", f, t,
                () -> charts(kpi, results.readChart(kpi, chartedColumns(kpi), f, t))));
        // the funnel and the cohort heatmap need every row of their (small) KPIs: one per day or cohort week
        if (FUNNEL.equals(kpi.name())) {
            model.addAttribute("funnel", funnel(api.rows(name, f.toString(), t.toString()).rows()));
        }
        if (RETENTION.equals(kpi.name())) {
            Cohorts cohorts = cohorts(api.rows(name, f.toString(), t.toString()).rows());
            model.addAttribute("cohorts", cohorts);
            model.addAttribute("cohortRows", cohortRows(cohorts, fmt));
        }
        return "kpi/kpi";
    }

    /** A formatted table cell; numbers are right-aligned; {@code title} (may be null) is shown on hover. */
    public record Cell(String text, boolean numeric, String title) {

        Cell(String text, boolean numeric) {
            this(text, numeric, null);
        }
    }

    /** Rows of the table per page: a 365-day range of a KPI with several keys has thousands of rows. */
    static final int PAGE_SIZE = 100;

    /** The {@code page} parameter: 1 when absent; 400 when not a whole number of at least 1. */
    static int pageNumber(String page) {
        if (page == null || page.isBlank()) {
            return 1;
        }
        try {
            int n = Integer.parseInt(page.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("Query parameter 'page' must be a whole number of at least 1, got '" + page + "'");
    }

    /**
     * One page of the table: rows {@code first..last} (1-based, inclusive) of {@code total}, newest partition first.
     *
     * @param page  the page shown (1-based; a page past the last shows the last)
     * @param pages how many pages the range has (at least 1)
     * @param rows  the page's rows as formatted cells, in catalog column order
     */
    public record TablePage(int page, int pages, int first, int last, int total, List<List<Cell>> rows) {

        /** The rows as the HTML of a table body ({@link #tbody}). */
        public String html() {
            return tbody(null, rows);
        }
    }

    /**
     * The HTML of {@code <tr>} rows of {@code <td>} cells, every text HTML-escaped, numeric cells with class
     * {@code num}; with {@code rowHeaders} (null: none) each row starts with its {@code <th scope="row">}. Written
     * here rather than by the template: Thymeleaf expressions per cell were about half of a 365-day KPI page's
     * server time (JFR samples of DashboardBenchmark).
     */
    static String tbody(List<String> rowHeaders, List<List<Cell>> rows) {
        StringBuilder html = new StringBuilder(rows.size() * 128);
        for (int i = 0; i < rows.size(); i++) {
            html.append("<tr>");
            if (rowHeaders != null) {
                html.append("<th scope=\"row\">").append(HtmlUtils.htmlEscape(rowHeaders.get(i))).append("</th>");
            }
            for (Cell c : rows.get(i)) {
                html.append(c.numeric() ? "<td class=\"num\"" : "<td");
                if (c.title() != null) {
                    html.append(" title=\"").append(HtmlUtils.htmlEscape(c.title())).append('"');
                }
                html.append('>').append(HtmlUtils.htmlEscape(c.text())).append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.toString();
    }

    /**
     * Page {@code page} of the table as formatted cells, in catalog column order: counts with separators, decimals
     * with 2 to 4 fraction digits, shares ({@code unit: share}) as percent with one decimal ({@code 0.8062 → 80.6 %}),
     * dates and text as they are.
     *
     * @param pageRows the page's rows as {@link KpiResultsRepository#readPage} returns them (newest partition first,
     *                 then by key), at most {@link #PAGE_SIZE}
     * @param page     the page shown (1-based, not past the last)
     * @param total    how many rows the whole range has
     */
    static TablePage table(KpiDefinition kpi, List<Map<String, Object>> pageRows, int page, long total,
                           Formats fmt) {
        int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int from = (page - 1) * PAGE_SIZE;
        int to = from + pageRows.size();
        List<KpiDefinition.Column> columns = kpi.columns();
        List<List<Cell>> table = new ArrayList<>(pageRows.size());
        for (Map<String, Object> r : pageRows) {
            List<Cell> cells = new ArrayList<>(columns.size());
            for (KpiDefinition.Column c : columns) {
                Object v = r.get(c.name());
                cells.add(switch (c.type()) {
                    case "integer" -> new Cell(fmt.integer((Number) v), true);
                    case "decimal" -> new Cell(c.isShare() ? fmt.percent((Number) v, 1) : fmt.number((Number) v), true);
                    default -> new Cell(v == null ? Formats.NONE : String.valueOf(v), false);
                });
            }
            table.add(cells);
        }
        return new TablePage(page, pages, pageRows.isEmpty() ? 0 : from + 1, to, Math.toIntExact(total), table);
    }

    /** Value columns that can be drawn (integer and decimal), in catalog order. */
    static List<KpiDefinition.Column> numericValues(KpiDefinition kpi) {
        return kpi.values().stream().filter(c -> c.type().equals("integer") || c.type().equals("decimal")).toList();
    }

    /** The value columns the page draws: the catalog's {@code chart.columns} in that order, or every numeric one. */
    static List<KpiDefinition.Column> chartedColumns(KpiDefinition kpi) {
        List<KpiDefinition.Column> numeric = numericValues(kpi);
        List<String> wanted = kpi.chart().columns();
        if (wanted == null) {
            return numeric;
        }
        return wanted.stream().map(w -> numeric.stream().filter(c -> c.name().equals(w)).findFirst().orElseThrow())
                .toList();
    }

    /**
     * One small time-series chart of a value column (of one facet value when the catalog names a facet).
     *
     * @param withoutData names of the catalog's lines that have no point in the range and are not drawn (never null)
     */
    public record ColumnChart(String id, KpiDefinition.Column column, Map<String, Object> option,
                              List<String> withoutData) {
    }

    /** The charts of one value of the facet key (null: the KPI has no facet, a single group). */
    public record ChartGroup(String facet, List<ColumnChart> charts) {
    }

    /**
     * Small multiples as the catalog's {@link KpiDefinition.Chart} says: per facet value (or once) one chart per
     * charted column, each on its own scale, x = the partition dates of the rows (ISO, ascending), a line per value
     * of the series key (or per combination of the keys other than the partition, facet and {@code where} keys,
     * joined with " / "): {@code rows} are the chart's rows of {@link KpiResultsRepository#readChart} (a
     * (partition, series) cell met twice keeps its last value);
     * a missing (partition, series) cell is a gap (null), and so is every point of a listed series value without
     * rows. Chart ids are {@code chart-<column>}, with a facet {@code chart-<facet value>-<column>} (characters other
     * than letters, digits, '-' and '_' replaced by '_'). One pass over the rows.
     */
    static List<ChartGroup> charts(KpiDefinition kpi, List<Map<String, Object>> rows) {
        KpiDefinition.Chart spec = kpi.chart();
        List<KpiDefinition.Column> columns = chartedColumns(kpi);
        List<String> seriesKeys = kpi.chartSeriesKeys();
        boolean namedSeries = spec.series() != null && kpi.keys().stream()
                .anyMatch(k -> k.name().equals(spec.series()) && !k.type().equals("text"));
        Map<String, Integer> xIndex = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            xIndex.putIfAbsent(String.valueOf(r.get(kpi.partition())), xIndex.size());
        }
        List<String> x = List.copyOf(xIndex.keySet());
        // facet value -> series name -> one array of x values per charted column
        Map<String, Map<String, Number[][]>> cells = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            String series = seriesKeys.size() == 1 ? String.valueOf(r.get(seriesKeys.get(0)))
                    : String.join(" / ", seriesKeys.stream().map(k -> String.valueOf(r.get(k))).toList());
            if (spec.seriesValues() != null && !spec.seriesValues().contains(series)) {
                continue;
            }
            String facet = spec.facet() == null ? "" : String.valueOf(r.get(spec.facet()));
            Number[][] values = cells.computeIfAbsent(facet, f -> new LinkedHashMap<>())
                    .computeIfAbsent(series, k -> new Number[columns.size()][x.size()]);
            int i = xIndex.get(String.valueOf(r.get(kpi.partition())));
            for (int c = 0; c < columns.size(); c++) {
                values[c][i] = (Number) r.get(columns.get(c).name());
            }
        }
        List<ChartGroup> groups = new ArrayList<>();
        cells.forEach((facet, bySeries) -> {
            // the catalog's series values in its order; a line without a single point in the range (e.g. week 12
            // before any cohort is 12 weeks old) is left out of the chart and its legend and named in the caption
            List<String> order = spec.seriesValues() != null ? spec.seriesValues() : List.copyOf(bySeries.keySet());
            List<ColumnChart> charts = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                int column = c;
                List<Charts.Series> all = order.stream().map(name -> new Charts.Series(
                        namedSeries ? spec.series() + " " + name : name.isEmpty() ? columns.get(column).name() : name,
                        java.util.Arrays.asList(bySeries.containsKey(name) ? bySeries.get(name)[column]
                                : new Number[x.size()]))).toList();
                List<Charts.Series> series = all.stream()
                        .filter(s -> s.values().stream().anyMatch(Objects::nonNull)).toList();
                List<String> withoutData = all.stream().filter(s -> !series.contains(s)).map(Charts.Series::name)
                        .toList();
                String id = "chart-" + (facet.isEmpty() ? "" : facet.replaceAll("[^A-Za-z0-9_-]", "_") + "-")
                        + columns.get(c).name();
                charts.add(new ColumnChart(id, columns.get(c), Charts.lines(x, series, series.size() == 1),
                        withoutData));
            }
            groups.add(new ChartGroup(spec.facet() == null ? null : facet, charts));
        });
        return groups;
    }

    /**
     * What the charts leave out or add up, in words (null when they draw every stored row as it is), e.g.
     * "Charted: the rows with segment = traffic_source, each value summed over variant."
     */
    static String chartNote(KpiDefinition kpi) {
        List<String> parts = new ArrayList<>();
        if (!kpi.chart().where().isEmpty()) {
            parts.add("the rows with " + String.join(" and ", kpi.chart().where().entrySet().stream()
                    .map(e -> e.getKey() + " = " + e.getValue()).toList()));
        }
        List<String> summed = kpi.chartSummedKeys();
        if (!summed.isEmpty()) {
            parts.add("each value summed over " + String.join(" and ", summed));
        }
        return parts.isEmpty() ? null : "Charted: " + String.join(", ", parts)
                + ". The table, CSV and JSON hold every row.";
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
            int y = index.computeIfAbsent(c, k -> index.size());
            if (rate != null) {
                // no cell without a rate: a blank, not a tint that reads as a low value
                cells.add(List.of(w, y, rate.doubleValue(), active, users));
            }
        }
        List<String> weeks = java.util.stream.IntStream.range(0, weekCount).mapToObj(String::valueOf).toList();
        return new Cohorts(weeks, List.copyOf(byCohort.values()),
                Charts.heatmap(weeks, List.copyOf(index.keySet()), cells, "retention rate"));
    }

    /**
     * The cohort table's body as HTML ({@link #tbody} after a row header): per cohort its week, its users and the
     * retention rate of each week in whole percent, with "a of n users active" (or "week not begun") on hover.
     */
    static String cohortRows(Cohorts cohorts, Formats fmt) {
        List<List<Cell>> rows = new ArrayList<>(cohorts.cohorts().size());
        for (Cohort c : cohorts.cohorts()) {
            List<Cell> cells = new ArrayList<>(c.rates().size() + 1);
            cells.add(new Cell(fmt.integer(c.cohortUsers()), true));
            for (int w = 0; w < c.rates().size(); w++) {
                Long active = c.active().get(w);
                cells.add(new Cell(fmt.percent(c.rates().get(w), 0), true, active == null ? "week not begun"
                        : active + " of " + c.cohortUsers() + " users active"));
            }
            rows.add(cells);
        }
        return tbody(cohorts.cohorts().stream().map(Cohort::cohortWeek).toList(), rows);
    }

    /**
     * Which execution materialized the business dates [firstDate, lastDate] ({@code dates} of them, consecutive),
     * and when it last did (UTC).
     */
    public record LineageEntry(long jobExecutionId, LocalDate firstDate, LocalDate lastDate, int dates,
                               java.time.Instant materializedAt) {
    }

    /**
     * The lineage of the range's business dates: one entry per run of consecutive dates materialized by the same
     * execution, oldest first; an execution whose dates a later run split (a rerun of some of them) gets an entry
     * per part. Dates never materialized are absent.
     */
    List<LineageEntry> lineage(KpiDefinition kpi, LocalDate from, LocalDate to) {
        List<LineageEntry> entries = new ArrayList<>();
        for (KpiResultsRepository.Lineage l : results.lineage(kpi.name(), from, to)) {
            LineageEntry last = entries.isEmpty() ? null : entries.getLast();
            if (last != null && last.jobExecutionId() == l.jobExecutionId()
                    && last.lastDate().plusDays(1).equals(l.businessDate())) {
                entries.set(entries.size() - 1, new LineageEntry(last.jobExecutionId(), last.firstDate(),
                        l.businessDate(), last.dates() + 1, last.materializedAt().isAfter(l.materializedAt())
                        ? last.materializedAt() : l.materializedAt()));
            } else {
                entries.add(new LineageEntry(l.jobExecutionId(), l.businessDate(), l.businessDate(), 1,
                        l.materializedAt()));
            }
        }
        return List.copyOf(entries);
    }

    private String sqlText(KpiDefinition kpi) {
        try {
            return sqlFiles.sql(kpi.sql());
        } catch (RuntimeException e) {
            return "(the SQL file " + kpi.sql() + ".sql is not available for dialect " + sqlFiles.dialect() + ")";
        }
    }
}
