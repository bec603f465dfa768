package io.execkpi.abtest;

import java.util.List;

import io.execkpi.web.ApiException;

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

/** Stored experiment evaluations written by abJob, as JSON; the reads are {@link ExperimentReads}'s. */
@RestController
@Tag(name = "Experiments", description = "Stored A/B evaluations written by abJob")
@RequestMapping("/api/experiments")
public class ExperimentController {

    private final ExperimentReads reads;

    public ExperimentController(ExperimentReads reads) {
        this.reads = reads;
    }

    @Operation(summary = "Evaluated experiments", description = "Each experiment with its arms, control, latest evaluation date, primary metric, SRM verdict and whether any arm is significant on it.")
    @GetMapping
    public List<ExperimentReads.ExperimentSummary> list() {
        return reads.list();
    }

    @Operation(summary = "One experiment evaluation", description = "The stored evaluation of the date (latest by default): alpha, SRM and per metric one row per arm with every statistic. With segment=<attribute>, one of the experiment's segments in jobs/experiments.yml (default traffic_source, country, browser): the results per value of that user attribute instead (from the ab_segments KPI of the date, by default the experiment's latest as-of date with segment rows: they are kept for the last 7 business dates; conversion and revenue per user without CUPED, capping or guardrails; exploratory: no correction across segment values unless correction=holm|bh asks for one). 404 for an unknown experiment or date, or no segment results for the date; 400 for a segment not configured for the experiment.",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {ExperimentReads.Evaluation.class, ExperimentReads.SegmentedEvaluation.class}))))
    @GetMapping("/{key}")
    public Object evaluation(@PathVariable String key, @RequestParam(required = false) String date,
                             @RequestParam(required = false) String segment,
                             @RequestParam(required = false) String correction) {
        if (segment == null) {
            if (correction != null) {
                throw ApiException.badRequest("Query parameter 'correction' applies across segments: it needs segment");
            }
            return reads.get(key, date);
        }
        return reads.bySegment(key, date, segment, correction);
    }

    @Operation(summary = "Lift history of one experiment", description = "Per stored evaluation date and treatment arm: relative lift (share) with its interval at 1 - alpha, p-value, adjusted p-value and significance on the metric (default: the primary metric). 404 for an unknown experiment or metric.")
    @GetMapping("/{key}/history")
    public ExperimentReads.History history(@PathVariable String key, @RequestParam(required = false) String metric) {
        return reads.history(key, metric);
    }
}
