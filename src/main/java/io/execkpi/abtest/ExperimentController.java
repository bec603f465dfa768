package io.execkpi.abtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.web.ApiException;
import io.execkpi.web.DateParams;

import io.swagger.v3.oas.annotations.Operation;
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

    public ExperimentController(AbResultsRepository results) {
        this.results = results;
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

    @Operation(summary = "One experiment evaluation", description = "The stored evaluation of the date (latest by default): alpha, SRM and per metric one row per arm with every statistic. 404 for an unknown experiment or date.")
    @GetMapping("/{key}")
    public Evaluation get(@PathVariable String key, @RequestParam(required = false) String date) {
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
