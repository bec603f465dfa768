package io.execkpi.dashboard;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.execkpi.abtest.AbResult;
import io.execkpi.abtest.ExperimentEvaluator;
import io.execkpi.abtest.ExperimentReads;
import io.execkpi.kpi.Headline;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiReads;
import io.execkpi.ml.MlReads;
import io.execkpi.web.ApiException;
import io.execkpi.web.Charts;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.Formats;
import io.execkpi.web.PageRange;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The overview {@code /}: for the selected period (default the last 30 complete days up to the latest materialized
 * date of the first headline's KPI) a tile per headline of the catalog's {@code overview:} section (revenue, orders,
 * AOV, session conversion), each against the previous period of the same length and, when the store reaches back, the
 * same period a year earlier, with a daily sparkline and the last day's value; the experiments needing attention (SRM
 * detected, guardrail violated, newly significant on the primary metric); the published model's AUC; the last nightly
 * run. Reads only precomputed results, through the read services the JSON API uses ({@link KpiReads},
 * {@link ExperimentReads}, {@link MlReads}).
 */
@Controller
@DashboardPage
public class OverviewController {

    private final KpiCatalog catalog;
    private final KpiReads kpis;
    private final ExperimentReads experiments;
    private final MlReads ml;
    private final Formats fmt;
    private final int backfillDays;

    public OverviewController(KpiCatalog catalog, KpiReads kpis, ExperimentReads experiments, MlReads ml, Formats fmt,
                              @Value("${execkpi.bootstrap.backfill-days:90}") int backfillDays) {
        this.catalog = catalog;
        this.kpis = kpis;
        this.experiments = experiments;
        this.ml = ml;
        this.fmt = fmt;
        this.backfillDays = backfillDays;
    }

    /**
     * One headline number.
     *
     * @param format         how the template shows values: money, integer or percent
     * @param changeIsPoints true when the change is a difference of shares (percentage points), else relative
     * @param formula        how the value is computed, in words (the tile's hover text)
     */
    public record Tile(String name, String kpi, String format, Number value, Number lastDay, Double previousChange,
                       Double yearChange, boolean changeIsPoints, Map<String, Object> sparkline,
                       Long jobExecutionId, String formula, String unavailable, String href) {
    }

    /**
     * A filter dimension of the overview's selector: its name, its values over the period (largest first by the first
     * headline's column), and the value chosen (null: all).
     */
    public record FilterChoice(String dimension, List<String> values, String chosen) {
    }

    /** An experiment that needs a look, and why; {@code bad} for a broken split or a violated guardrail. */
    public record Attention(String experiment, LocalDate date, String reason, boolean bad) {
    }

    /** The rows of one headline KPI over the period and its comparison periods (null: not every day materialized). */
    private record Periods(KpiReads.KpiRows current, List<Map<String, Object>> previous,
                           List<Map<String, Object>> yearAgo, List<Map<String, Object>> lastDay, Long execution) {
    }

    @GetMapping("/")
    public String overview(@RequestParam(required = false) String days, @RequestParam(required = false) String from,
                           @RequestParam(required = false) String to, @RequestParam Map<String, String> query,
                           Model model) {
        List<Headline> headlines = catalog.overview();
        Map<String, String> filter = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (catalog.dimension(k).isPresent()) {
                filter.put(k, v);
            }
        });
        if (filter.size() > 1) {
            throw ApiException.badRequest("The overview can be filtered on one dimension at a time; got "
                    + filter.keySet());
        }
        model.addAttribute("filter", filter.isEmpty() ? null : filter.entrySet().iterator().next());
        model.addAttribute("keep", filter);
        model.addAttribute("keepQuery", query(filter));
        LocalDate end = headlines.isEmpty() ? null : kpis.latestDate(headlines.get(0).kpi()).orElse(null);
        model.addAttribute("attention", attention());
        model.addAttribute("published", ApiException.orEmpty(ml::latest).orElse(null));
        if (end == null) {
            model.addAttribute("range", PageRange.resolve(days, from, to, null));
            return "dashboard/overview";
        }
        PageRange asked = PageRange.resolve(days, from, to, end);
        KpiReads.Range resolved = kpis.range(headlines.get(0).kpi(), asked.fromParam(), asked.toParam());
        PageRange range = asked.withResolved(resolved.from(), resolved.to());
        long n = range.length();
        LocalDate prevTo = range.from().minusDays(1);
        LocalDate prevFrom = prevTo.minusDays(n - 1);
        Map<String, Periods> byKpi = new LinkedHashMap<>();
        for (String kpi : new LinkedHashSet<>(headlines.stream().map(Headline::kpi).toList())) {
            if (!filter.isEmpty() && !filterable(kpi, filter.keySet().iterator().next())) {
                continue;
            }
            KpiReads.KpiRows current = rows(kpi, range.from(), range.to(), filter);
            List<Map<String, Object>> last = rows(kpi, range.to(), range.to(), filter).rows();
            byKpi.put(kpi, new Periods(current, complete(kpi, prevFrom, prevTo, n, filter),
                    complete(kpi, range.from().minusYears(1), range.to().minusYears(1), n, filter), last,
                    kpis.materializedBy(kpi, range.to()).orElse(null)));
        }
        List<Tile> tiles = headlines.stream().map(h -> byKpi.containsKey(h.kpi()) ? tile(h, byKpi.get(h.kpi()), range,
                filter) : unavailable(h, filter.keySet().iterator().next(), range)).toList();
        List<FilterChoice> choices = filters(range, filter);
        model.addAttribute("filters", choices);
        // a value the period has no slice of (a typo, or no sale there): the zeros are said to be that
        model.addAttribute("filterUnmatched", choices.stream().anyMatch(c -> c.chosen() != null
                && !c.values().contains(c.chosen())));
        model.addAttribute("range", range);
        model.addAttribute("materializedDays", kpis.rows(headlines.get(0).kpi(), range.fromParam(), range.toParam())
                .rows().size());
        model.addAttribute("tiles", tiles);
        model.addAttribute("previousRange", prevFrom + " – " + prevTo);
        model.addAttribute("yearRange", range.from().minusYears(1) + " – " + range.to().minusYears(1));
        // a 365-day period (without a 29 February) has its previous period a year earlier: compared with once
        model.addAttribute("previousIsYearEarlier", prevFrom.equals(range.from().minusYears(1))
                && prevTo.equals(range.to().minusYears(1)));
        model.addAttribute("yearMissing", Tiles.yearEarlierMissing(range.from().minusYears(1), end, backfillDays));
        return "dashboard/overview";
    }

    private Tile tile(Headline h, Periods p, PageRange range, Map<String, String> filter) {
        Double value = h.value(p.current().rows());
        String partition = kpis.kpi(h.kpi()).partition();
        List<String> x = p.current().rows().stream().map(r -> String.valueOf(r.get(partition))).toList();
        return new Tile(h.title(), h.kpi(), h.format(), value, h.value(p.lastDay()),
                p.previous() == null ? null : change(value, h.value(p.previous()), h.changeInPoints()),
                p.yearAgo() == null ? null : change(value, h.value(p.yearAgo()), h.changeInPoints()),
                h.changeInPoints(), Charts.sparkline(x, p.current().rows().stream()
                        .map(r -> (Number) r.get(h.dailyColumn())).toList()), p.execution(),
                h.formula() + (filter.isEmpty() ? "" : ", for " + filter.keySet().iterator().next() + " = "
                        + filter.values().iterator().next()), null, href(h.kpi(), range, filter));
    }

    /** A tile whose KPI is not broken down by the filter's dimension: no number, and why. */
    private Tile unavailable(Headline h, String dimension, PageRange range) {
        return new Tile(h.title(), h.kpi(), h.format(), null, null, null, null, h.changeInPoints(),
                Charts.sparkline(List.of(), List.of()), null, h.formula(), "Not available by "
                + dimension.replace('_', ' ') + ": " + h.kpi() + " has no breakdown by it",
                href(h.kpi(), range, Map.of()));
    }

    /** Whether a headline KPI has the dimension among its breakdown's. */
    private boolean filterable(String kpi, String dimension) {
        KpiDefinition k = kpis.kpi(kpi);
        return k.breakdown() != null && k.breakdown().dimensions().contains(dimension);
    }

    /**
     * The KPI's daily rows of [from, to]: its totals, or with a filter its slices of that value on the dates its totals
     * have, a date without a slice (no fact of that value) being 0 for every measure and null for every ratio.
     */
    private KpiReads.KpiRows rows(String kpi, LocalDate from, LocalDate to, Map<String, String> filter) {
        KpiReads.KpiRows totals = kpis.rows(kpi, from.toString(), to.toString());
        if (filter.isEmpty()) {
            return totals;
        }
        KpiDefinition k = kpis.kpi(kpi);
        Map<Object, Map<String, Object>> byDate = new LinkedHashMap<>();
        kpis.sliced(kpi, from.toString(), to.toString(), null, filter).rows()
                .forEach(r -> byDate.put(r.get(k.partition()), r));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> t : totals.rows()) {
            Map<String, Object> r = byDate.get(t.get(k.partition()));
            if (r == null) {
                r = new LinkedHashMap<>();
                r.put(k.partition(), t.get(k.partition()));
                for (KpiDefinition.Measure m : k.breakdown().measures()) {
                    r.put(m.name(), 0);
                }
            }
            rows.add(r);
        }
        return new KpiReads.KpiRows(kpi, totals.from(), totals.to(), totals.columns(), rows);
    }

    /** The KPI page of a tile over the period, with the filter. */
    private static String href(String kpi, PageRange range, Map<String, String> filter) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/kpis/{kpi}").queryParam("from", range.from())
                .queryParam("to", range.to());
        filter.forEach(uri::queryParam);
        return uri.buildAndExpand(kpi).encode().toUriString();
    }

    /** The filter as a query string (encoded), "" without one. */
    private static String query(Map<String, String> filter) {
        UriComponentsBuilder uri = UriComponentsBuilder.newInstance();
        filter.forEach(uri::queryParam);
        String q = uri.encode().build().getQuery();
        return q == null ? "" : q;
    }

    /**
     * The selector: per filter dimension of the first headline's KPI, its values over the period, largest first by
     * the first headline's sum or numerator (empty when that KPI has no breakdown).
     */
    private List<FilterChoice> filters(PageRange range, Map<String, String> filter) {
        Headline first = catalog.overview().get(0);
        KpiDefinition kpi = kpis.kpi(first.kpi());
        if (kpi.breakdown() == null) {
            return List.of();
        }
        String column = first.sum() != null ? first.sum() : first.numerator();
        List<FilterChoice> out = new ArrayList<>();
        for (String d : kpi.breakdown().dimensions()) {
            if (!catalog.dimension(d).orElseThrow().isFilter()) {
                continue;
            }
            List<String> values = kpis.summary(kpi.name(), range.fromParam(), range.toParam(), d, Map.of()).rows()
                    .stream().sorted(java.util.Comparator.comparingDouble((Map<String, Object> r) ->
                            -((Number) r.get(column)).doubleValue())).map(r -> String.valueOf(r.get(d))).toList();
            out.add(new FilterChoice(d, values, filter.get(d)));
        }
        return out;
    }

    private static Double change(Number current, Number before, boolean points) {
        return points ? Tiles.difference(current, before) : Tiles.relativeChange(current, before);
    }

    /**
     * The KPI's rows of a comparison period (with a filter: its slices of that value), only when every one of its n
     * days is materialized (its totals have n rows; else null).
     */
    private List<Map<String, Object>> complete(String kpi, LocalDate from, LocalDate to, long n,
                                               Map<String, String> filter) {
        try {
            List<Map<String, Object>> rows = kpis.rows(kpi, from.toString(), to.toString()).rows();
            if (rows.size() != n) {
                return null;
            }
            return filter.isEmpty() ? rows : rows(kpi, from, to, filter).rows();
        } catch (ApiException e) {
            return null;
        }
    }

    /**
     * Experiments with a sample-ratio mismatch at their latest evaluation (one entry, which says that a guardrail
     * violation there is untrustworthy too), with a violated guardrail there and no mismatch (one entry per arm and
     * guardrail metric), or whose primary metric has an arm that is significant now and was not at the
     * evaluation before.
     */
    List<Attention> attention() {
        List<Attention> out = new ArrayList<>();
        for (ExperimentReads.ExperimentSummary s : experiments.list()) {
            List<ExperimentEvaluator.GuardrailViolation> violations = ExperimentEvaluator.guardrailViolations(
                    experiments.rows(s.experiment(), s.latestEvaluationDate()));
            if (Boolean.TRUE.equals(s.srmMismatch())) {
                // the mismatch supersedes every verdict: a guardrail violation is only qualified, not a decision
                out.add(new Attention(s.experiment(), s.latestEvaluationDate(),
                        "Sample ratio mismatch (p " + fmt.pValue(s.srmPValue())
                                + "): the traffic split is broken; its results cannot be trusted"
                                + (violations.isEmpty() ? "" : "; guardrail violated (untrustworthy: SRM)"), true));
                continue;
            }
            for (ExperimentEvaluator.GuardrailViolation v : violations) {
                out.add(new Attention(s.experiment(), s.latestEvaluationDate(), "Guardrail violated: "
                        + v.variant() + " is significantly worse than control on " + v.metric().replace('_', ' ')
                        + " (" + fmt.signedPercent(v.relLift(), 1) + ", p " + fmt.pValue(v.pValue()) + ")", true));
            }
            if (!s.anySignificant() || s.primaryMetric() == null) {
                continue;
            }
            List<LocalDate> dates = experiments.evaluationDates(s.experiment());
            boolean before = dates.size() > 1 && experiments.rows(s.experiment(), dates.get(1)).stream()
                    .filter(r -> r.metric().equals(s.primaryMetric())).anyMatch(AbResult::significant);
            if (!before) {
                out.add(new Attention(s.experiment(), s.latestEvaluationDate(), "Newly significant on "
                        + s.primaryMetric().replace('_', ' '), false));
            }
        }
        return out;
    }
}
