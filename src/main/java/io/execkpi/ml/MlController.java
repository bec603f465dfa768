package io.execkpi.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.execkpi.web.ApiException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

/**
 * Read API of the published model runs and the stored propensity scores. Everything is served from the artifact
 * store and the results store; nothing here trains or scores.
 */
@RestController
@Tag(name = "ML", description = "Artifacts and scores of mlJob")
@RequestMapping("/api/ml")
public class MlController {

    private final MlArtifactStore store;
    private final MlReads reads;

    public MlController(MlArtifactStore store, MlReads reads) {
        this.store = store;
        this.reads = reads;
    }

    @Operation(summary = "Latest model metrics", description = "metrics.json of the latest published run; 404 before any run.")
    @GetMapping("/latest")
    public JsonNode latest() {
        return reads.latest();
    }

    @Operation(summary = "Latest SHAP summary", description = "Mean absolute SHAP value per feature in log-odds, sorted.")
    @GetMapping("/shap")
    public JsonNode shap() {
        return reads.shap();
    }

    @Operation(summary = "Published runs", description = "Every run with its business date, chosen model and AUC.")
    @GetMapping("/runs")
    public MlReads.Runs runs() {
        return reads.runs();
    }

    @Operation(summary = "One run", description = "A run with its metrics and artifact list.")
    @GetMapping("/runs/{runId}")
    public MlReads.RunDetail run(@PathVariable String runId) {
        return reads.run(runId);
    }

    /** One artifact file of a run; only the names of {@link MlArtifactStore#ARTIFACTS}. */
    @Operation(summary = "One artifact of a run", description = "metrics.json, shap_summary.json, model.tribuo, provenance.json or model_card.md; any other name is 404. Byte ranges (Range: bytes=…) answer 206; an invalid or unsatisfiable byte range is 416 with Content-Range: bytes */<length> and no file; other range units are ignored.")
    @GetMapping("/runs/{runId}/artifacts/{file}")
    public ResponseEntity<Resource> artifact(@PathVariable String runId, @PathVariable String file,
                                             @RequestHeader(name = HttpHeaders.RANGE, required = false) String range) {
        reads.existingRun(runId);
        if (!MlArtifactStore.isArtifact(file)) {
            throw ApiException.notFound("Unknown artifact '" + file + "'; the artifacts of a run are "
                    + MlArtifactStore.ARTIFACTS);
        }
        Path path = store.artifact(runId, file).orElseThrow(() -> ApiException.notFound(
                "Run " + runId + " has no " + file));
        ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(MlArtifactStore.contentType(file)))
                .contentLength(size(path));
        if (MlArtifactStore.MODEL.equals(file)) {
            response.header(HttpHeaders.CONTENT_DISPOSITION,
                    ContentDisposition.attachment().filename(runId + "-" + file).build().toString());
        }
        Resource resource = new FileSystemResource(path);
        if (range == null) {
            return response.body(resource);
        }
        if (!range.regionMatches(true, 0, "bytes=", 0, 6)) {
            // a range unit we do not support is ignored (RFC 9110, 14.2); a stream is not range-processed by Spring
            return response.body(new InputStreamResource(open(path)));
        }
        try {
            HttpRange.toResourceRegions(HttpRange.parseRanges(range), resource); // what Spring will do for the 206
        } catch (IllegalArgumentException e) {
            ErrorResponseException unsatisfiable = new ErrorResponseException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    ProblemDetail.forStatusAndDetail(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "Range '"
                            + (range.length() > 60 ? range.substring(0, 60) + "…" : range) + "' is invalid or beyond "
                            + "the " + size(path) + " bytes of " + file + "; ask for bytes=first-last within them"),
                    null);
            unsatisfiable.getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + size(path));
            throw unsatisfiable;
        }
        return response.body(resource);
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Operation(summary = "Top propensity scores", description = "Users with the highest conversion propensity (top at most 10,000, default 100) for the latest or given business date. Per-user data: needs the operator token or the read-only token (401/403 otherwise).")
    @SecurityRequirement(name = "bearer")
    @GetMapping("/scores")
    public MlReads.Scores scores(@RequestParam(required = false) String top, @RequestParam(required = false) String date) {
        return reads.scores(top, date);
    }

    @Operation(summary = "Score distribution by decile", description = "Per decile (1 = highest 10 % of propensities): users and mean, min and max propensity, for the latest or given scored business date. Aggregates only.")
    @GetMapping("/deciles")
    public MlReads.Deciles deciles(@RequestParam(required = false) String date) {
        return reads.deciles(date);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
