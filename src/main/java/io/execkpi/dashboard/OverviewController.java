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
                       Long jobExecutionId, String formula) {
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
                           @RequestParam(required = false) String to, Model model) {
        List<Headline> headlines = catalog.overview();
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
            KpiReads.KpiRows current = kpis.rows(kpi, range.fromParam(), range.toParam());
            byKpi.put(kpi, new Periods(current, complete(kpi, prevFrom, prevTo, n),
                    complete(kpi, range.from().minusYears(1), range.to().minusYears(1), n),
                    current.rows().isEmpty() ? List.of() : List.of(current.rows().getLast()),
                    kpis.materializedBy(kpi, range.to()).orElse(null)));
        }
        List<Tile> tiles = headlines.stream().map(h -> tile(h, byKpi.get(h.kpi()))).toList();
        model.addAttribute("range", range);
        model.addAttribute("materializedDays", byKpi.get(headlines.get(0).kpi()).current().rows().size());
        model.addAttribute("tiles", tiles);
        model.addAttribute("previousRange", prevFrom + " – " + prevTo);
        model.addAttribute("yearRange", range.from().minusYears(1) + " – " + range.to().minusYears(1));
        // a 365-day period (without a 29 February) has its previous period a year earlier: compared with once
        model.addAttribute("previousIsYearEarlier", prevFrom.equals(range.from().minusYears(1))
                && prevTo.equals(range.to().minusYears(1)));
        model.addAttribute("yearMissing", Tiles.yearEarlierMissing(range.from().minusYears(1), end, backfillDays));
        return "dashboard/overview";
    }

    private Tile tile(Headline h, Periods p) {
        Double value = h.value(p.current().rows());
        String partition = kpis.kpi(h.kpi()).partition();
        List<String> x = p.current().rows().stream().map(r -> String.valueOf(r.get(partition))).toList();
        return new Tile(h.title(), h.kpi(), h.format(), value, h.value(p.lastDay()),
                p.previous() == null ? null : change(value, h.value(p.previous()), h.changeInPoints()),
                p.yearAgo() == null ? null : change(value, h.value(p.yearAgo()), h.changeInPoints()),
                h.changeInPoints(), Charts.sparkline(x, p.current().rows().stream()
                        .map(r -> (Number) r.get(h.dailyColumn())).toList()), p.execution(), h.formula());
    }

    private static Double change(Number current, Number before, boolean points) {
        return points ? Tiles.difference(current, before) : Tiles.relativeChange(current, before);
    }

    /** The KPI's rows of a comparison period, only when every one of its n days is materialized (else null). */
    private List<Map<String, Object>> complete(String kpi, LocalDate from, LocalDate to, long n) {
        try {
            List<Map<String, Object>> rows = kpis.rows(kpi, from.toString(), to.toString()).rows();
            return rows.size() == n ? rows : null;
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
