package io.execkpi.abtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.MultipleTesting;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiResultsRepository;

import org.springframework.stereotype.Component;

/**
 * Experiment results by segment: the {@code ab_segments} KPI (materialized per as-of date by kpiJob, see
 * {@code sql/<dialect>/ab_segments.sql}) evaluated per segment value with the experiment's settings from
 * {@code jobs/experiments.yml}, except what ab_segments does not materialize: no CUPED, no capping, no guardrails.
 * Within a segment value the experiment's correction runs over its (metric, treatment arm) pairs as in abJob; across
 * segment values there is none: segment results are exploratory.
 */
@Component
public class ExperimentSegments {

    /** The name of the KPI holding the segmented sums. */
    public static final String KPI = "ab_segments";
    /**
     * How many of ab_segments' newest materialized as-of dates {@link #latest} looks through for an experiment's rows:
     * kpiJob keeps segment rows for the last 7 business dates only, so an experiment without a row in the newest
     * ones has none (twice that, for a ledger with a gap).
     */
    public static final int LATEST_SEARCH_DATES = 14;
    /** The note of a segmented answer without a correction across segments. */
    public static final String NOTE = "Segment results are exploratory: each segment value is evaluated on its own "
            + "(conversion and revenue per user, without CUPED, capping or guardrails) and no correction is applied "
            + "across segment values, so with many values some will look significant by chance (ask for one with "
            + "correction=holm or correction=bh).";
    /** The note of a segmented answer with a correction across segments. */
    public static final String CORRECTED_NOTE = "Segment results are exploratory: each segment value is evaluated on "
            + "its own (conversion and revenue per user, without CUPED, capping or guardrails); "
            + "acrossSegmentsAdjustedPValues corrects every treatment p-value of every segment value together (%s).";

    private final KpiCatalog catalog;
    private final KpiResultsRepository kpiResults;
    private final ExperimentSettings settings;

    public ExperimentSegments(KpiCatalog catalog, KpiResultsRepository kpiResults, ExperimentSettings settings) {
        this.catalog = catalog;
        this.kpiResults = kpiResults;
        this.settings = settings;
    }

    /**
     * One segment value's evaluation.
     *
     * @param value                         the segment value ({@code other}: countries outside the top 20 of the
     *                                      date; {@code (unknown)}: not set)
     * @param users                         users of the value assigned by the end of the date, all arms
     * @param metrics                       per metric (conversion, revenue_per_user), one row per arm, as stored by
     *                                      abJob ({@code adjustedPValue}: corrected within the segment value only)
     * @param acrossSegmentsAdjustedPValues with a correction asked across segments: per metric and treatment arm,
     *                                      the row's {@code pValue} corrected over every (segment value, metric,
     *                                      treatment arm) p-value of the answer; else null
     */
    public record SegmentResult(String value, long users, Map<String, List<AbResult>> metrics,
                                Map<String, Map<String, Double>> acrossSegmentsAdjustedPValues) {
    }

    /**
     * Segment results of one as-of date.
     *
     * @param date   the as-of business date (UTC) of the ab_segments rows evaluated
     * @param values the values in name order (never empty)
     */
    public record Dated(LocalDate date, List<SegmentResult> values) {
    }

    /**
     * The evaluation of every value of one attribute as of the experiment's latest as-of date with ab_segments rows:
     * the newest of the KPI's {@value #LATEST_SEARCH_DATES} newest materialized dates (kpiResults' ledger) on which
     * the experiment has rows for the attribute. One read of one date when the newest has them.
     *
     * @param experiment experiment key
     * @param attribute  one of {@link ExperimentSettings#SEGMENT_ATTRIBUTES}
     * @param across     as in {@link #evaluate}
     * @return that date and its values, or empty when ab_segments has no row for the experiment and attribute on those
     *         dates (or is not in the catalog, or was never materialized)
     * @throws IllegalArgumentException for an attribute not in {@link ExperimentSettings#SEGMENT_ATTRIBUTES}
     */
    public java.util.Optional<Dated> latest(String experiment, String attribute, Correction across) {
        if (!ExperimentSettings.SEGMENT_ATTRIBUTES.contains(attribute)) {
            throw new IllegalArgumentException("unknown segment attribute " + attribute);
        }
        var kpi = catalog.find(KPI);
        var newest = kpi.isEmpty() ? java.util.Optional.<LocalDate>empty() : kpiResults.latestDate(KPI);
        if (newest.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<KpiResultsRepository.Lineage> ledger = kpiResults.lineage(KPI,
                newest.get().minusDays(2L * LATEST_SEARCH_DATES), newest.get());
        for (int i = ledger.size() - 1; i >= 0 && i >= ledger.size() - LATEST_SEARCH_DATES; i--) {
            LocalDate date = ledger.get(i).businessDate();
            List<SegmentResult> values = evaluate(experiment, attribute, across,
                    kpiResults.read(kpi.get(), date, date));
            if (!values.isEmpty()) {
                return java.util.Optional.of(new Dated(date, values));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The evaluation of every value of one attribute as of one date.
     *
     * @param experiment experiment key
     * @param date       as-of business date (UTC)
     * @param attribute  one of {@link ExperimentSettings#SEGMENT_ATTRIBUTES}
     * @param across     correction over every (segment value, metric, treatment arm) p-value, or
     *                   {@link Correction#NONE} (then {@code acrossSegmentsAdjustedPValues} is null)
     * @return the values in name order, empty when ab_segments has no row for the experiment on that date (or is
     *         not in the catalog)
     * @throws IllegalArgumentException for an attribute not in {@link ExperimentSettings#SEGMENT_ATTRIBUTES}
     */
    public List<SegmentResult> evaluate(String experiment, LocalDate date, String attribute, Correction across) {
        if (!ExperimentSettings.SEGMENT_ATTRIBUTES.contains(attribute)) {
            throw new IllegalArgumentException("unknown segment attribute " + attribute);
        }
        var kpi = catalog.find(KPI);
        if (kpi.isEmpty()) {
            return List.of();
        }
        return evaluate(experiment, attribute, across, kpiResults.read(kpi.get(), date, date));
    }

    /** The evaluation of one attribute's values from ab_segments rows of one date (every experiment's). */
    private List<SegmentResult> evaluate(String experiment, String attribute, Correction across,
                                         List<Map<String, Object>> rows) {
        Map<String, List<ExperimentEvaluator.ArmMetrics>> byValue = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            if (experiment.equals(r.get("experiment_id")) && attribute.equals(r.get("segment"))) {
                byValue.computeIfAbsent((String) r.get("segment_value"), v -> new ArrayList<>())
                        .add(new ExperimentEvaluator.ArmMetrics(experiment, (String) r.get("variant"),
                                Boolean.TRUE.equals(r.get("is_control")), ((Number) r.get("weight")).doubleValue(),
                                ((Number) r.get("users")).longValue(), ((Number) r.get("converters")).longValue(),
                                ((Number) r.get("revenue_sum")).doubleValue(),
                                ((Number) r.get("revenue_sum_squares")).doubleValue(),
                                null, null, null, null, null, null, null, null));
            }
        }
        ExperimentSettings.Settings s = unsegmentedOptionsOff(settings.forExperiment(experiment));
        List<SegmentResult> results = new ArrayList<>();
        byValue.forEach((value, arms) -> {
            arms.sort(java.util.Comparator.comparing(ExperimentEvaluator.ArmMetrics::variant));
            Map<String, List<AbResult>> byMetric = new LinkedHashMap<>();
            for (AbResult row : ExperimentEvaluator.evaluateExperiment(experiment, arms, s)) {
                byMetric.computeIfAbsent(row.metric(), m -> new ArrayList<>()).add(row);
            }
            results.add(new SegmentResult(value, arms.stream().mapToLong(ExperimentEvaluator.ArmMetrics::users).sum(),
                    byMetric, null));
        });
        return across == Correction.NONE ? results : correctedAcross(results, across);
    }

    /** The results with every treatment row's p-value corrected over all of them (GrowthBook's Holm or BH). */
    private static List<SegmentResult> correctedAcross(List<SegmentResult> results, Correction correction) {
        List<AbResult> tested = results.stream().flatMap(r -> r.metrics().values().stream().flatMap(List::stream))
                .filter(row -> !row.isControl() && row.pValue() != null && !row.pValue().isNaN()).toList();
        double[] adjusted = MultipleTesting.adjust(correction, tested.stream().mapToDouble(AbResult::pValue).toArray());
        Map<AbResult, Double> byRow = new java.util.IdentityHashMap<>();
        for (int i = 0; i < adjusted.length; i++) {
            byRow.put(tested.get(i), adjusted[i]);
        }
        List<SegmentResult> corrected = new ArrayList<>();
        for (SegmentResult r : results) {
            Map<String, Map<String, Double>> pValues = new LinkedHashMap<>();
            r.metrics().forEach((metric, rows) -> rows.stream().filter(byRow::containsKey).forEach(row ->
                    pValues.computeIfAbsent(metric, m -> new LinkedHashMap<>()).put(row.variant(), byRow.get(row))));
            corrected.add(new SegmentResult(r.value(), r.users(), r.metrics(), pValues));
        }
        return corrected;
    }

    /** The experiment's settings without what ab_segments does not materialize (CUPED, capping, guardrails). */
    private static ExperimentSettings.Settings unsegmentedOptionsOff(ExperimentSettings.Settings s) {
        return new ExperimentSettings.Settings(s.alpha(), s.srmThreshold(), s.primaryMetric(), s.control(), s.weights(),
                new ExperimentSettings.Cuped(false, ExperimentSettings.MATERIALIZED_CUPED_WINDOW_DAYS), s.correction(),
                s.sequential(), List.of(), new ExperimentSettings.Capping(false,
                        ExperimentSettings.MATERIALIZED_CAP_PERCENTILE, false), s.segments());
    }
}
