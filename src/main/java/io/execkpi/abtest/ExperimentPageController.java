package io.execkpi.abtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.kpi.KpiReads;
import io.execkpi.web.Charts;
import io.execkpi.web.DashboardPage;
import io.execkpi.web.Formats;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Dashboard pages of the stored experiment evaluations, in the style of GrowthBook's results table:
 * {@code /experiments} lists them with their SRM and primary-metric verdicts, {@code /experiments/{key}} shows one
 * evaluation per metric (arms, counts, rates or means, relative lift as an interval bar around zero, p-values,
 * chance to beat control, a verdict in words), the results by segment of one of the experiment's segment attributes
 * ({@code ?segment=}, default the first of its {@code segments} in {@code jobs/experiments.yml}) and the lift over
 * the stored evaluation dates. Everything is read through {@link ExperimentReads} (the JSON API's read path, the
 * segments through {@link ExperimentReads#bySegment}); the intended arm weights come from the
 * {@code ab_metrics} KPI the evaluation was computed from.
 */
@Controller
@DashboardPage
public class ExperimentPageController {

    private final ExperimentReads api;
    private final KpiReads kpis;
    private final ExperimentSettings settings;
    private final Formats fmt;

    public ExperimentPageController(ExperimentReads api, KpiReads kpis,
                                    ExperimentSettings settings, Formats fmt) {
        this.api = api;
        this.kpis = kpis;
        this.settings = settings;
        this.fmt = fmt;
    }

    /**
     * A row of the experiment list: the API's summary, a status word, the primary metric's verdicts and the guardrails
     * violated at the latest evaluation (one sentence per arm and guardrail metric).
     */
    public record ListItem(ExperimentReads.ExperimentSummary summary, String status, List<String> verdicts,
                           List<String> guardrails, boolean guardrailUnderSrm) {
    }

    @GetMapping("/experiments")
    public String list(Model model) {
        List<ExperimentReads.ExperimentSummary> summaries = api.list();
        LocalDate newest = summaries.stream().map(ExperimentReads.ExperimentSummary::latestEvaluationDate)
                .max(LocalDate::compareTo).orElse(null);
        List<ListItem> items = new ArrayList<>();
        for (ExperimentReads.ExperimentSummary s : summaries) {
            ExperimentReads.Evaluation e = api.get(s.experiment(), null);
            String status = s.latestEvaluationDate().equals(newest) ? "Running"
                    : "Not evaluated since " + s.latestEvaluationDate();
            // a sample-ratio mismatch supersedes every verdict, the guardrails' too (as on the overview): their
            // violations are not listed, only qualified as untrustworthy
            List<String> violations = ExperimentEvaluator.guardrailViolations(
                    e.metrics().values().stream().flatMap(List::stream).toList()).stream()
                    .map(v -> v.variant() + " violates guardrail " + v.metric().replace('_', ' ') + ": "
                            + fmt.signedPercent(v.relLift(), 1) + " vs control (p " + fmt.pValue(v.pValue()) + ")")
                    .toList();
            boolean srm = Boolean.TRUE.equals(s.srmMismatch());
            items.add(new ListItem(s, status, verdicts(e, e.primaryMetric()), srm ? List.of() : violations,
                    srm && !violations.isEmpty()));
        }
        model.addAttribute("experiments", items);
        return "abtest/list";
    }

    @GetMapping("/experiments/{key}")
    public String experiment(@PathVariable String key, @RequestParam(required = false) String date,
                             @RequestParam(required = false) String metric,
                             @RequestParam(required = false) String segment, Model model) {
        ExperimentReads.Evaluation evaluation = api.get(key, date);
        model.addAttribute("segments", segments(evaluation, date, metric, segment));
        String historyMetric = metric == null || metric.isBlank() ? evaluation.primaryMetric() : metric;
        ExperimentReads.History history = api.history(key, historyMetric);
        List<MetricTable> tables = new ArrayList<>();
        evaluation.metrics().forEach((name, rows) -> tables.add(table(evaluation, name, rows)));
        model.addAttribute("evaluation", evaluation);
        model.addAttribute("tables", tables);
        model.addAttribute("shares", shares(evaluation));
        model.addAttribute("history", history);
        model.addAttribute("historyChart", historyChart(history));
        model.addAttribute("dates", api.evaluationDates(key));
        model.addAttribute("jobExecutionId", api.writtenBy(key, evaluation.date()).orElse(null));
        return "abtest/experiment";
    }

    /** A link of the segment selector: the attribute, the page's address with it, whether it is the one shown. */
    public record SegmentLink(String attribute, String href, boolean current) {
    }

    /**
     * The "By segment" section: the selector of the experiment's segment attributes and, for the chosen one, the
     * API's evaluation ({@link ExperimentReads#bySegment}) or why there is none.
     *
     * @param links     one per attribute of the experiment's {@code segments} (none: no section)
     * @param attribute the chosen attribute, or null when the experiment has no segment attribute
     * @param metric    the metric of the tables: the primary metric, conversion when a segment value lacks it
     * @param result    the evaluation, or null when there is none (then {@code missing} says why)
     * @param missing   the API's 404 message when ab_segments has no row for the date, else null
     */
    public record SegmentSection(List<SegmentLink> links, String attribute, String metric,
                                 ExperimentReads.SegmentedEvaluation result, String missing) {
    }

    /**
     * The segment section of the page: the chosen attribute ({@code segment}, default the experiment's first) evaluated
     * as of the page's date when one is asked for, else as of the experiment's latest as-of date with segment rows.
     *
     * @throws io.execkpi.web.ApiException 400 for a segment not configured for the experiment (the API's message)
     */
    SegmentSection segments(ExperimentReads.Evaluation evaluation, String date, String metric, String segment) {
        List<String> attributes = settings.forExperiment(evaluation.experiment()).segmentList();
        String chosen = segment != null && !segment.isBlank() ? segment.strip()
                : attributes.isEmpty() ? null : attributes.get(0);
        List<SegmentLink> links = attributes.stream().map(a -> new SegmentLink(a,
                org.springframework.web.util.UriComponentsBuilder.fromPath("/experiments/{key}")
                        .queryParamIfPresent("date", java.util.Optional.ofNullable(date))
                        .queryParamIfPresent("metric", java.util.Optional.ofNullable(metric))
                        .queryParam("segment", a).fragment("segments")
                        .buildAndExpand(evaluation.experiment()).encode().toUriString(),
                a.equals(chosen))).toList();
        if (chosen == null) {
            return new SegmentSection(links, null, evaluation.primaryMetric(), null, null);
        }
        try {
            ExperimentReads.SegmentedEvaluation result = api.bySegment(evaluation.experiment(), date, chosen,
                    null);
            String shown = evaluation.primaryMetric() != null && result.segments().stream()
                    .allMatch(v -> v.metrics().containsKey(evaluation.primaryMetric()))
                    ? evaluation.primaryMetric() : ExperimentSettings.CONVERSION;
            return new SegmentSection(links, chosen, shown, result, null);
        } catch (io.execkpi.web.ApiException e) {
            if (e.status() != org.springframework.http.HttpStatus.NOT_FOUND) {
                throw e;
            }
            return new SegmentSection(links, chosen, evaluation.primaryMetric(), null, e.getMessage());
        }
    }

    /** One arm of a results table with the geometry of its interval bar (percent of the bar's width). */
    public record ArmRow(AbResult result, String verdict, Double barLeft, Double barWidth, Double barPoint,
                         String tone) {
    }

    /**
     * A metric's table: its arms, whether it is the primary metric, a guardrail (not corrected for multiple testing),
     * has CUPED numbers, the header of its value column ("Rate", "Mean per user", or "Mean per order" for the ratio
     * metric aov) and where zero sits on the bars (percent).
     */
    public record MetricTable(String metric, boolean primary, boolean conversion, boolean guardrail, boolean cuped,
                              String valueLabel, List<ArmRow> arms, double zero) {
    }

    MetricTable table(ExperimentReads.Evaluation evaluation, String metric, List<AbResult> rows) {
        double scale = rows.stream().filter(r -> !r.isControl())
                .flatMap(r -> java.util.stream.Stream.of(r.relLiftLow(), r.relLiftHigh(), r.relLift()))
                .filter(v -> v != null && Double.isFinite(v)).mapToDouble(Math::abs).max().orElse(0);
        double m = scale == 0 ? 1 : scale * 1.1;
        List<ArmRow> arms = new ArrayList<>();
        for (AbResult r : rows) {
            if (r.isControl() || r.relLift() == null || r.relLiftLow() == null || r.relLiftHigh() == null) {
                arms.add(new ArmRow(r, r.isControl() ? null : verdict(evaluation, r), null, null, null, "none"));
                continue;
            }
            double left = (r.relLiftLow() + m) / (2 * m) * 100;
            double width = (r.relLiftHigh() - r.relLiftLow()) / (2 * m) * 100;
            double point = (r.relLift() + m) / (2 * m) * 100;
            String tone = !r.significant() ? "neutral" : r.relLift() > 0 ? "good" : "bad";
            arms.add(new ArmRow(r, verdict(evaluation, r), left, width, point, tone));
        }
        boolean guardrail = rows.stream().anyMatch(r -> Boolean.TRUE.equals(r.guardrailMetric()));
        boolean cuped = rows.stream().anyMatch(r -> r.unadjustedRelLift() != null);
        String valueLabel = metric.equals(ExperimentSettings.CONVERSION)
                || metric.equals(ExperimentSettings.CANCEL_RETURN_RATE) ? "Rate"
                : metric.equals(ExperimentSettings.AOV) ? "Mean per order" : "Mean per user";
        return new MetricTable(metric, metric.equals(evaluation.primaryMetric()), metric.equals("conversion"),
                guardrail, cuped, valueLabel, arms, 50.0);
    }

    /**
     * The verdict of a treatment arm in words, e.g. {@code B beats control on conversion: +8.1 % [+2.0 %, +14.2 %]}
     * (relative lift and its interval). When a multiple-testing correction decided the verdict, the interval quoted
     * is the adjusted one ({@code adjustedRelLiftLow/High}), e.g. {@code +11.4 % [−0.2 %, +22.9 %] (Holm-adjusted
     * over 6 comparisons)}, so the sentence and its interval agree (interval excludes 0 ⇔ significant). A
     * sample-ratio mismatch supersedes it.
     */
    String verdict(ExperimentReads.Evaluation e, AbResult r) {
        String metric = r.metric().replace('_', ' ');
        if (Boolean.TRUE.equals(e.srm().mismatch())) {
            return r.variant() + ": no verdict on " + metric + " — sample ratio mismatch, the split is broken";
        }
        if (r.relLift() == null) {
            return r.variant() + ": not evaluated on " + metric + (r.note() == null ? "" : " (" + r.note() + ")");
        }
        String correction = correction(r);
        String lift;
        if (correction == null) {
            lift = fmt.signedPercent(r.relLift(), 1) + " [" + fmt.signedPercent(r.relLiftLow(), 1) + ", "
                    + fmt.signedPercent(r.relLiftHigh(), 1) + "]";
        } else {
            String over = correction + "-adjusted over " + comparisons(e) + " comparisons";
            lift = fmt.signedPercent(r.relLift(), 1) + (r.adjustedRelLiftLow() == null || r.adjustedRelLiftHigh() == null
                    ? " (interval unbounded, " + over + ")"
                    : " [" + fmt.signedPercent(r.adjustedRelLiftLow(), 1) + ", "
                            + fmt.signedPercent(r.adjustedRelLiftHigh(), 1) + "] (" + over + ")");
        }
        if (r.significant()) {
            return r.variant() + (r.relLift() > 0 ? " beats control on " : " is worse than control on ") + metric
                    + ": " + lift;
        }
        return r.variant() + ": no significant difference on " + metric + " yet: " + lift;
    }

    /**
     * The multiple-testing correction that decided the row's significance, read from its stored {@code method}
     * ({@link ExperimentEvaluator}: "…; holm across …" or "…; bh across …"): "Holm", "Benjamini–Hochberg", or null
     * when none applies (guardrails, correction none), in which case the raw interval is the one that decides.
     */
    static String correction(AbResult r) {
        if (Boolean.TRUE.equals(r.guardrailMetric()) || r.method() == null) {
            return null;
        }
        if (r.method().contains("; holm across")) {
            return "Holm";
        }
        return r.method().contains("; bh across") ? "Benjamini–Hochberg" : null;
    }

    /**
     * Size of the correction's family: every (metric, treatment arm) pair of the non-guardrail metrics whose arm has
     * users (the pairs {@link ExperimentEvaluator} corrects over; an undefined comparison counts with p = 1).
     */
    static long comparisons(ExperimentReads.Evaluation e) {
        return e.metrics().values().stream().flatMap(List::stream)
                .filter(x -> !x.isControl() && x.users() > 0 && !Boolean.TRUE.equals(x.guardrailMetric())).count();
    }

    private List<String> verdicts(ExperimentReads.Evaluation e, String metric) {
        List<AbResult> rows = metric == null ? List.of() : e.metrics().getOrDefault(metric, List.of());
        return rows.stream().filter(r -> !r.isControl()).map(r -> verdict(e, r)).toList();
    }

    /** Observed share of users against the intended share, per arm (shares 0..1). */
    public record Share(String variant, long users, double observed, Double expected) {
    }

    List<Share> shares(ExperimentReads.Evaluation e) {
        List<AbResult> arms = e.metrics().values().stream().findFirst().orElse(List.of());
        long total = arms.stream().mapToLong(AbResult::users).sum();
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Map<String, Object> row : kpis.rows("ab_metrics", e.date().toString(), e.date().toString()).rows()) {
            if (e.experiment().equals(row.get("experiment_id")) && row.get("weight") instanceof Number w) {
                weights.put(String.valueOf(row.get("variant")), w.doubleValue());
            }
        }
        double weightSum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        return arms.stream().map(a -> new Share(a.variant(), a.users(), total == 0 ? 0 : (double) a.users() / total,
                weightSum > 0 && weights.containsKey(a.variant()) ? weights.get(a.variant()) / weightSum : null))
                .toList();
    }

    /** Relative lift (share) per evaluation date with its interval bounds, per treatment arm. */
    static Map<String, Object> historyChart(ExperimentReads.History history) {
        List<String> dates = history.points().stream().map(p -> p.evaluationDate().toString()).distinct().toList();
        List<String> variants = history.points().stream().map(AbResultsRepository.LiftPoint::variant).distinct()
                .toList();
        List<Charts.Interval> intervals = new ArrayList<>();
        for (String v : variants) {
            Map<String, AbResultsRepository.LiftPoint> byDate = new LinkedHashMap<>();
            history.points().stream().filter(p -> p.variant().equals(v))
                    .forEach(p -> byDate.put(p.evaluationDate().toString(), p));
            java.util.function.Function<java.util.function.Function<AbResultsRepository.LiftPoint, Double>, List<Double>>
                    values = f -> dates.stream().map(d -> byDate.containsKey(d) ? f.apply(byDate.get(d)) : null).toList();
            intervals.add(new Charts.Interval(v, values.apply(AbResultsRepository.LiftPoint::relLift),
                    values.apply(AbResultsRepository.LiftPoint::relLiftLow),
                    values.apply(AbResultsRepository.LiftPoint::relLiftHigh)));
        }
        return Charts.intervals(dates, intervals);
    }
}
