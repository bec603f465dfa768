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

import org.springframework.stereotype.Service;

/**
 * The read path of stored experiment evaluations (written by abJob), under both the JSON endpoints
 * ({@link ExperimentController}) and the dashboard pages: the evaluated experiments, one evaluation, its results by
 * segment and the lift history. Reads only the results store.
 */
@Service
public class ExperimentReads {

    private final AbResultsRepository results;
    private final ExperimentSegments segments;
    private final ExperimentSettings settings;

    public ExperimentReads(AbResultsRepository results, ExperimentSegments segments, ExperimentSettings settings) {
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

    /** Every experiment with a stored evaluation, summarized at its latest evaluation date. */
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

    /**
     * Per stored evaluation date and treatment arm, the relative lift and its interval on a metric.
     *
     * @param metric the metric, or null/blank for the primary metric
     * @throws ApiException 404 for an unknown experiment or metric
     */
    public History history(String key, String metric) {
        Evaluation latest = get(key, null);
        String m = metric == null || metric.isBlank() ? latest.primaryMetric() : metric.strip();
        if (!latest.metrics().containsKey(m)) {
            throw ApiException.notFound("Experiment '" + key + "' has no metric '" + m + "'; its metrics are "
                    + latest.metrics().keySet());
        }
        return new History(key, m, results.history(key, m));
    }

    /** The experiment's evaluation dates, newest first (empty for an unknown experiment). */
    public List<LocalDate> evaluationDates(String key) {
        return results.evaluationDates(key);
    }

    /** The stored rows of one evaluation (every metric and arm; empty when there is none). */
    public List<AbResult> rows(String key, LocalDate date) {
        return results.find(key, date);
    }

    /** The abJob execution that wrote an evaluation, empty when there is none. */
    public java.util.Optional<Long> writtenBy(String key, LocalDate date) {
        return results.jobExecutionId(key, date);
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
