package io.execkpi.dashboard;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.execkpi.abtest.AbResult;
import io.execkpi.abtest.ExperimentController;
import io.execkpi.abtest.ExperimentEvaluator;
import io.execkpi.abtest.AbResultsRepository;
import io.execkpi.kpi.KpiController;
import io.execkpi.kpi.KpiResultsRepository;
import io.execkpi.ml.MlController;
import io.execkpi.web.ApiException;
import io.execkpi.web.Charts;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.PageRange;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;


/**
 * The overview {@code /}: for the selected period (default the last 30 complete days up to the latest materialized
 * date) tiles for revenue, orders, AOV and session conversion, each against the previous period of the same length
 * and, when the store reaches back, the same period a year earlier, with a daily sparkline and the last day's value;
 * the experiments needing attention (SRM detected, guardrail violated, newly significant on the primary metric); the published model's
 * AUC; the last nightly run. Reads only precomputed results, through the JSON API's own read paths.
 */
@Controller
@DashboardPage
public class OverviewController {

    static final String REVENUE = "revenue_daily";
    static final String FUNNEL = "funnel_daily";

    private final KpiController kpis;
    private final KpiResultsRepository kpiResults;
    private final ExperimentController experiments;
    private final AbResultsRepository abResults;
    private final MlController ml;
    private final io.execkpi.web.Formats fmt;
    private final int backfillDays;

    public OverviewController(KpiController kpis, KpiResultsRepository kpiResults, ExperimentController experiments,
                              AbResultsRepository abResults, MlController ml, io.execkpi.web.Formats fmt,
                              @org.springframework.beans.factory.annotation.Value(
                                      "${execkpi.bootstrap.backfill-days:90}") int backfillDays) {
        this.fmt = fmt;
        this.backfillDays = backfillDays;
        this.kpis = kpis;
        this.kpiResults = kpiResults;
        this.experiments = experiments;
        this.abResults = abResults;
        this.ml = ml;
    }

    /**
     * One headline number.
     *
     * @param format        how the template shows values: money, integer or percent
     * @param changeIsPoints true when the change is a difference of shares (percentage points), else relative
     */
    public record Tile(String name, String kpi, String format, Number value, Number lastDay, Double previousChange,
                       Double yearChange, boolean changeIsPoints, Map<String, Object> sparkline,
                       Long jobExecutionId) {
    }

    /** An experiment that needs a look, and why; {@code bad} for a broken split or a violated guardrail. */
    public record Attention(String experiment, LocalDate date, String reason, boolean bad) {
    }

    @GetMapping("/")
    public String overview(@RequestParam(required = false) String days, @RequestParam(required = false) String from,
                           @RequestParam(required = false) String to, Model model) {
        LocalDate end = kpiResults.latestDate(REVENUE).orElse(null);
        model.addAttribute("attention", attention());
        model.addAttribute("published", ApiException.orEmpty(ml::latest).orElse(null));
        if (end == null) {
            model.addAttribute("range", PageRange.resolve(days, from, to, null));
            return "dashboard/overview";
        }
        PageRange asked = PageRange.resolve(days, from, to, end);
        KpiController.KpiRows revenue = kpis.rows(REVENUE, asked.fromParam(), asked.toParam());
        PageRange range = asked.withResolved(revenue.from(), revenue.to());
        KpiController.KpiRows funnel = kpis.rows(FUNNEL, range.fromParam(), range.toParam());
        long n = range.length();
        LocalDate prevTo = range.from().minusDays(1);
        LocalDate prevFrom = prevTo.minusDays(n - 1);
        Tiles.Totals current = Tiles.totals(revenue.rows(), funnel.rows());
        Tiles.Totals previous = totals(prevFrom, prevTo, n).orElse(null);
        Tiles.Totals yearAgo = totals(range.from().minusYears(1), range.to().minusYears(1), n).orElse(null);
        Tiles.Totals lastDay = Tiles.totals(lastRow(revenue), lastRow(funnel));
        List<String> x = revenue.rows().stream().map(r -> String.valueOf(r.get("date"))).toList();
        Long revenueExecution = lineage(REVENUE, range.to());
        Long funnelExecution = lineage(FUNNEL, range.to());
        List<Tile> tiles = List.of(
                tile("Revenue", REVENUE, "money", current, previous, yearAgo, lastDay, Tiles.Totals::revenue, false,
                        Charts.sparkline(x, column(revenue, "revenue")), revenueExecution),
                tile("Orders", REVENUE, "integer", current, previous, yearAgo, lastDay, Tiles.Totals::orders, false,
                        Charts.sparkline(x, column(revenue, "orders")), revenueExecution),
                tile("Average order value", REVENUE, "money", current, previous, yearAgo, lastDay, Tiles.Totals::aov,
                        false, Charts.sparkline(x, column(revenue, "aov")), revenueExecution),
                tile("Session conversion", FUNNEL, "percent", current, previous, yearAgo, lastDay,
                        Tiles.Totals::conversion, true,
                        Charts.sparkline(funnel.rows().stream().map(r -> String.valueOf(r.get("date"))).toList(),
                                column(funnel, "session_conversion")), funnelExecution));
        model.addAttribute("range", range);
        model.addAttribute("materializedDays", revenue.rows().size());
        model.addAttribute("tiles", tiles);
        model.addAttribute("previousRange", prevFrom + " – " + prevTo);
        model.addAttribute("yearRange", range.from().minusYears(1) + " – " + range.to().minusYears(1));
        // a 365-day period (without a 29 February) has its previous period a year earlier: compared with once
        model.addAttribute("previousIsYearEarlier", prevFrom.equals(range.from().minusYears(1))
                && prevTo.equals(range.to().minusYears(1)));
        model.addAttribute("yearMissing", Tiles.yearEarlierMissing(range.from().minusYears(1), end, backfillDays));
        return "dashboard/overview";
    }

    private static Tile tile(String name, String kpi, String format, Tiles.Totals current, Tiles.Totals previous,
                             Tiles.Totals yearAgo, Tiles.Totals lastDay, Function<Tiles.Totals, Number> value,
                             boolean points, Map<String, Object> sparkline, Long execution) {
        Number v = value.apply(current);
        return new Tile(name, kpi, format, v, value.apply(lastDay),
                previous == null ? null : change(v, value.apply(previous), points),
                yearAgo == null ? null : change(v, value.apply(yearAgo), points), points, sparkline, execution);
    }

    private static Double change(Number current, Number before, boolean points) {
        return points ? Tiles.difference(current, before) : Tiles.relativeChange(current, before);
    }

    /** Totals of a comparison period, only when every one of its n days is materialized in both KPIs. */
    private Optional<Tiles.Totals> totals(LocalDate from, LocalDate to, long n) {
        try {
            KpiController.KpiRows revenue = kpis.rows(REVENUE, from.toString(), to.toString());
            KpiController.KpiRows funnel = kpis.rows(FUNNEL, from.toString(), to.toString());
            if (revenue.rows().size() != n || funnel.rows().size() != n) {
                return Optional.empty();
            }
            return Optional.of(Tiles.totals(revenue.rows(), funnel.rows()));
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    private Long lineage(String kpi, LocalDate date) {
        return kpiResults.lineage(kpi, date, date).stream().findFirst()
                .map(KpiResultsRepository.Lineage::jobExecutionId).orElse(null);
    }

    private static List<Map<String, Object>> lastRow(KpiController.KpiRows rows) {
        return rows.rows().isEmpty() ? List.of() : List.of(rows.rows().get(rows.rows().size() - 1));
    }

    private static List<Number> column(KpiController.KpiRows rows, String column) {
        return rows.rows().stream().map(r -> (Number) r.get(column)).toList();
    }

    /**
     * Experiments with a sample-ratio mismatch at their latest evaluation (one entry, which says that a guardrail
     * violation there is untrustworthy too), with a violated guardrail there and no mismatch (one entry per arm and
     * guardrail metric), or whose primary metric has an arm that is significant now and was not at the
     * evaluation before.
     */
    List<Attention> attention() {
        List<Attention> out = new ArrayList<>();
        for (ExperimentController.ExperimentSummary s : experiments.list()) {
            List<ExperimentEvaluator.GuardrailViolation> violations = ExperimentEvaluator.guardrailViolations(
                    abResults.find(s.experiment(), s.latestEvaluationDate()));
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
            List<LocalDate> dates = abResults.evaluationDates(s.experiment());
            boolean before = dates.size() > 1 && abResults.find(s.experiment(), dates.get(1)).stream()
                    .filter(r -> r.metric().equals(s.primaryMetric())).anyMatch(AbResult::significant);
            if (!before) {
                out.add(new Attention(s.experiment(), s.latestEvaluationDate(), "Newly significant on "
                        + s.primaryMetric().replace('_', ' '), false));
            }
        }
        return out;
    }
}
