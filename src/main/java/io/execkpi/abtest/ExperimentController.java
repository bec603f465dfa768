package io.execkpi.abtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.InvalidExperimentInputException;
import io.execkpi.web.ApiException;
import io.execkpi.web.DateParams;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stored experiment evaluations written by abJob. */
@RestController
@Tag(name = "Experiments", description = "Stored A/B evaluations written by abJob")
@RequestMapping("/api/experiments")
public class ExperimentController {

    private final AbResultsRepository results;
    private final ExperimentSegments segments;
    private final ExperimentSettings settings;

    public ExperimentController(AbResultsRepository results, ExperimentSegments segments,
                                ExperimentSettings settings) {
        this.results = results;
        this.segments = segments;
        this.settings = settings;
    }

    public record ExperimentSummary(String experiment, List<String> arms, String control, LocalDate latestEvaluationDate,
                                    String primaryMetric, Boolean srmMismatch, Double srmPValue,
                                    boolean anySignificant) {
    }

    public record Srm(Double chiSquare, Double pValue, Boolean mismatch, double threshold) {
    }

    public record Evaluation(String experiment, LocalDate date, double alpha, String primaryMetric, Srm srm,
                             Map<String, List<AbResult>> metrics) {
    }

    @Operation(summary = "Evaluated experiments", description = "Each experiment with its arms, control, latest evaluation date, primary metric, SRM verdict and whether any arm is significant on it.")
    @GetMapping
    public List<ExperimentSummary> list() {
        List<ExperimentSummary> summaries = new ArrayList<>();
        for (String id : results.experimentIds()) {
            LocalDate date = results.latestDate(id).orElseThrow();
            summaries.add(summary(id, date, results.find(id, date)));
        }
        return summaries;
    }

    /**
     * Results by segment.
     *
     * @param experiment experiment key
     * @param date       as-of business date (UTC) of the ab_segments rows evaluated
     * @param segment    the user attribute
     * @param note       that segment results are exploratory (no correction across segment values)
     * @param segments   one entry per segment value, in name order
     */
    public record SegmentedEvaluation(String experiment, LocalDate date, String segment, String note,
                                      List<ExperimentSegments.SegmentResult> segments) {
    }

    @Operation(summary = "One experiment evaluation", description = "The stored evaluation of the date (latest by default): alpha, SRM and per metric one row per arm with every statistic. With segment=<attribute>, one of the experiment's segments in jobs/experiments.yml (default traffic_source, country, browser): the results per value of that user attribute instead (from the ab_segments KPI of the date, by default the experiment's latest as-of date with segment rows: they are kept for the last 7 business dates; conversion and revenue per user without CUPED, capping or guardrails; exploratory: no correction across segment values unless correction=holm|bh asks for one). 404 for an unknown experiment or date, or no segment results for the date; 400 for a segment not configured for the experiment.",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {Evaluation.class, SegmentedEvaluation.class}))))
    @GetMapping("/{key}")
    public Object evaluation(@PathVariable String key, @RequestParam(required = false) String date,
                             @RequestParam(required = false) String segment,
                             @RequestParam(required = false) String correction) {
        if (segment == null) {
            if (correction != null) {
                throw ApiException.badRequest("Query parameter 'correction' applies across segments: it needs segment");
            }
            return get(key, date);
        }
        return bySegment(key, date, segment, correction);
    }

    /**
     * The results of one experiment by segment: ab_segments sums evaluated per value of the attribute, as of the
     * given evaluation date or, without one, the experiment's latest as-of date with segment rows
     * ({@link ExperimentSegments#latest}; kpiJob keeps them for the last 7 business dates).
     *
     * @param key        experiment key
     * @param date       as-of date YYYY-MM-DD (an evaluation date of the experiment), or null for the latest with
     *                   segment rows
     * @param segment    the attribute: one of the experiment's {@code segments} in {@code jobs/experiments.yml}
     * @param correction holm | bh | none (default none): correction across every segment value's treatment p-values
     * @throws ApiException 400 naming {@code segment} for an attribute not in the experiment's {@code segments} or
     *                      {@code correction} for an unknown correction; 404 for an unknown experiment or date, or
     *                      when ab_segments has no row for them (the message names the latest date that has some)
     */
    public SegmentedEvaluation bySegment(String key, String date, String segment, String correction) {
        String attribute = segment.strip();
        List<String> configured = settings.forExperiment(key).segmentList();
        if (!configured.contains(attribute)) {
            throw ApiException.badRequest("Query parameter 'segment' must be one of the segments of experiment '"
                    + key + "' " + configured + " (jobs/experiments.yml), got '" + segment + "'");
        }
        Correction across;
        try {
            across = correction == null ? Correction.NONE : Correction.parse(correction.strip(), "correction");
        } catch (InvalidExperimentInputException e) {
            throw ApiException.badRequest("Query parameter 'correction' must be holm, bh or none, got '" + correction
                    + "'");
        }
        ExperimentSegments.Dated dated;
        if (date == null) {
            results.latestDate(key).orElseThrow(() -> ApiException.notFound("Unknown experiment '" + key
                    + "' (no evaluation stored; known: " + results.experimentIds() + ")"));
            dated = segments.latest(key, attribute, across).orElseThrow(() -> ApiException.notFound("Experiment '"
                    + key + "' has no " + attribute + " segment results on the latest "
                    + ExperimentSegments.LATEST_SEARCH_DATES + " as-of dates of the " + ExperimentSegments.KPI
                    + " KPI (kpiJob keeps them for the last 7 business dates)"));
        } else {
            LocalDate day = get(key, date).date();
            List<ExperimentSegments.SegmentResult> values = segments.evaluate(key, day, attribute, across);
            if (values.isEmpty()) {
                throw ApiException.notFound("Experiment '" + key + "' has no " + attribute + " segment results for "
                        + day + " (kpiJob keeps them in the " + ExperimentSegments.KPI
                        + " KPI for the last 7 business dates); "
                        + segments.latest(key, attribute, Correction.NONE).map(d -> "the latest is " + d.date()
                                + ": leave out date for it").orElse("it has none on the latest dates"));
            }
            dated = new ExperimentSegments.Dated(day, values);
        }
        return new SegmentedEvaluation(key, dated.date(), attribute, across == Correction.NONE
                ? ExperimentSegments.NOTE
                : ExperimentSegments.CORRECTED_NOTE.formatted(across.name().toLowerCase(java.util.Locale.ROOT)),
                dated.values());
    }

    /**
     * The stored evaluation of one experiment.
     *
     * @param key  experiment key
     * @param date as-of date YYYY-MM-DD, or null for the latest evaluation
     * @throws ApiException 404 for an unknown experiment or date, 400 for a malformed date
     */
    public Evaluation get(String key, String date) {
        LocalDate latest = results.latestDate(key).orElseThrow(() -> ApiException.notFound(
                "Unknown experiment '" + key + "' (no evaluation stored; known: " + results.experimentIds() + ")"));
        LocalDate day = date == null ? latest : DateParams.parse("date", date);
        List<AbResult> rows = results.find(key, day);
        if (rows.isEmpty()) {
            throw ApiException.notFound("Experiment '" + key + "' has no evaluation for " + day + "; the latest is "
                    + latest);
        }
        AbResult first = rows.get(0);
        Map<String, List<AbResult>> byMetric = new LinkedHashMap<>();
        rows.forEach(r -> byMetric.computeIfAbsent(r.metric(), m -> new ArrayList<>()).add(r));
        String primary = rows.stream().filter(AbResult::primaryMetric).map(AbResult::metric).findFirst().orElse(null);
        return new Evaluation(key, day, first.alpha(), primary,
                new Srm(first.srmChiSquare(), first.srmPValue(), first.srmMismatch(), first.srmThreshold()), byMetric);
    }

    public record History(String experiment, String metric, List<AbResultsRepository.LiftPoint> points) {
    }

    @Operation(summary = "Lift history of one experiment", description = "Per stored evaluation date and treatment arm: relative lift (share) with its interval at 1 - alpha, p-value, adjusted p-value and significance on the metric (default: the primary metric). 404 for an unknown experiment or metric.")
    @GetMapping("/{key}/history")
    public History history(@PathVariable String key, @RequestParam(required = false) String metric) {
        Evaluation latest = get(key, null);
        String m = metric == null || metric.isBlank() ? latest.primaryMetric() : metric.strip();
        if (!latest.metrics().containsKey(m)) {
            throw ApiException.notFound("Experiment '" + key + "' has no metric '" + m + "'; its metrics are "
                    + latest.metrics().keySet());
        }
        return new History(key, m, results.history(key, m));
    }

    private static ExperimentSummary summary(String id, LocalDate date, List<AbResult> rows) {
        List<AbResult> primary = rows.stream().filter(AbResult::primaryMetric).toList();
        AbResult any = rows.get(0);
        return new ExperimentSummary(id, primary.stream().map(AbResult::variant).distinct().toList(),
                primary.stream().filter(AbResult::isControl).map(AbResult::variant).findFirst().orElse(null), date,
                primary.isEmpty() ? null : primary.get(0).metric(), any.srmMismatch(), any.srmPValue(),
                primary.stream().anyMatch(AbResult::significant));
    }
}
