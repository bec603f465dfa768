package io.execkpi.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.execkpi.web.ApiException;
import io.execkpi.web.DateParams;

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
import tools.jackson.databind.node.ObjectNode;

/**
 * Read API of the published model runs and the stored propensity scores. Everything is served from the artifact
 * store and the results store; nothing here trains or scores.
 */
@RestController
@Tag(name = "ML", description = "Artifacts and scores of mlJob")
@RequestMapping("/api/ml")
public class MlController {

    static final int DEFAULT_TOP = 100;
    static final int MAX_TOP = 10_000;
    private static final String NO_RUN = "No model run has been published yet: run mlJob for a business date "
            + "(e.g. 'run mlJob date=YYYY-MM-DD' on the command line)";

    private final MlArtifactStore store;
    private final MlScoresRepository scores;

    public MlController(MlArtifactStore store, MlScoresRepository scores) {
        this.store = store;
        this.scores = scores;
    }

    public record RunInfo(String runId, LocalDate businessDate, String model, Double auc, boolean latest) {
    }

    public record Runs(String latest, List<RunInfo> runs) {
    }

    public record Artifact(String name, long bytes, String href) {
    }

    public record RunDetail(String runId, LocalDate businessDate, String model, boolean latest, Instant publishedAt,
                            List<Artifact> artifacts, JsonNode metrics) {
    }

    public record Scores(LocalDate businessDate, String runId, long users, int top,
                         List<MlScoresRepository.Score> scores) {
    }

    /** The latest run's metrics.json (which carries its runId), plus when it was published. */
    @Operation(summary = "Latest model metrics", description = "metrics.json of the latest published run; 404 before any run.")
    @GetMapping("/latest")
    public JsonNode latest() {
        MlArtifactStore.LatestPointer pointer = store.latest().orElseThrow(() -> ApiException.notFound(NO_RUN));
        JsonNode metrics = readJson(pointer.runId(), MlArtifactStore.METRICS);
        if (metrics instanceof ObjectNode object) {
            object.put("runId", pointer.runId());
            object.put("publishedAt", pointer.publishedAt() == null ? null : pointer.publishedAt().toString());
        }
        return metrics;
    }

    /** The latest run's shap_summary.json. */
    @Operation(summary = "Latest SHAP summary", description = "Mean absolute SHAP value per feature in log-odds, sorted.")
    @GetMapping("/shap")
    public JsonNode shap() {
        MlArtifactStore.LatestPointer pointer = store.latest().orElseThrow(() -> ApiException.notFound(NO_RUN));
        return readJson(pointer.runId(), MlArtifactStore.SHAP);
    }

    /** Every published run, newest first. */
    @Operation(summary = "Published runs", description = "Every run with its business date, chosen model and AUC.")
    @GetMapping("/runs")
    public Runs runs() {
        String latest = store.latest().map(MlArtifactStore.LatestPointer::runId).orElse(null);
        List<RunInfo> runs = new ArrayList<>();
        for (String runId : store.runIds()) {
            JsonNode metrics = readJson(runId, MlArtifactStore.METRICS);
            runs.add(new RunInfo(runId, date(metrics), text(metrics, "model"), number(metrics, "auc"),
                    runId.equals(latest)));
        }
        if (runs.isEmpty()) {
            throw ApiException.notFound(NO_RUN);
        }
        return new Runs(latest, runs);
    }

    @Operation(summary = "One run", description = "A run with its metrics and artifact list.")
    @GetMapping("/runs/{runId}")
    public RunDetail run(@PathVariable String runId) {
        Path dir = existingRun(runId);
        Optional<MlArtifactStore.LatestPointer> latest = store.latest();
        JsonNode metrics = readJson(runId, MlArtifactStore.METRICS);
        List<Artifact> artifacts = new ArrayList<>();
        for (String name : MlArtifactStore.ARTIFACTS) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                artifacts.add(new Artifact(name, size(file), "/api/ml/runs/" + runId + "/artifacts/" + name));
            }
        }
        boolean isLatest = latest.map(p -> p.runId().equals(runId)).orElse(false);
        return new RunDetail(runId, date(metrics), text(metrics, "model"), isLatest,
                isLatest ? latest.get().publishedAt() : null, artifacts, metrics);
    }

    /** One artifact file of a run; only the names of {@link MlArtifactStore#ARTIFACTS}. */
    @Operation(summary = "One artifact of a run", description = "metrics.json, shap_summary.json, model.tribuo, provenance.json or model_card.md; any other name is 404. Byte ranges (Range: bytes=…) answer 206; an invalid or unsatisfiable byte range is 416 with Content-Range: bytes */<length> and no file; other range units are ignored.")
    @GetMapping("/runs/{runId}/artifacts/{file}")
    public ResponseEntity<Resource> artifact(@PathVariable String runId, @PathVariable String file,
                                             @RequestHeader(name = HttpHeaders.RANGE, required = false) String range) {
        existingRun(runId);
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

    /**
     * The {@code top} highest propensities (default 100, at most 10,000) of the latest scored business date, or of
     * {@code date}. Per-user data: the security configuration requires a token.
     */
    @Operation(summary = "Top propensity scores", description = "Users with the highest conversion propensity (top at most 10,000, default 100) for the latest or given business date. Per-user data: needs the operator token or the read-only token (401/403 otherwise).")
    @SecurityRequirement(name = "bearer")
    @GetMapping("/scores")
    public Scores scores(@RequestParam(required = false) String top, @RequestParam(required = false) String date) {
        int n = parseTop(top);
        LocalDate day = DateParams.parse("date", date);
        MlScoresRepository.ScoredDate scored = scores.scoredDate(day).orElseThrow(() -> ApiException.notFound(
                day == null ? "No propensity scores yet: the score step of mlJob or mlScoreJob stores them"
                        : "No propensity scores for " + day));
        return new Scores(scored.businessDate(), scored.runId(), scored.users(), n,
                scores.top(scored.businessDate(), n));
    }

    public record Deciles(LocalDate businessDate, String runId, long users, List<MlScoresRepository.Decile> deciles) {
    }

    /** Aggregates only (no user ids): the score distribution by decile of the latest scored date, or of {@code date}. */
    @Operation(summary = "Score distribution by decile", description = "Per decile (1 = highest 10 % of propensities): users and mean, min and max propensity, for the latest or given scored business date. Aggregates only.")
    @GetMapping("/deciles")
    public Deciles deciles(@RequestParam(required = false) String date) {
        LocalDate day = DateParams.parse("date", date);
        MlScoresRepository.ScoredDate scored = scores.scoredDate(day).orElseThrow(() -> ApiException.notFound(
                day == null ? "No propensity scores yet: the score step of mlJob or mlScoreJob stores them"
                        : "No propensity scores for " + day));
        return new Deciles(scored.businessDate(), scored.runId(), scored.users(), scores.deciles(scored.businessDate()));
    }

    static int parseTop(String top) {
        if (top == null || top.isBlank()) {
            return DEFAULT_TOP;
        }
        int n;
        try {
            n = Integer.parseInt(top.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Query parameter 'top' must be an integer from 1 to " + MAX_TOP + ", got '"
                    + top + "'");
        }
        if (n < 1 || n > MAX_TOP) {
            throw ApiException.badRequest("Query parameter 'top' must be from 1 to " + MAX_TOP + ", got " + n);
        }
        return n;
    }

    private Path existingRun(String runId) {
        if (!MlArtifactStore.isRunId(runId) || !Files.isDirectory(store.runDir(runId))) {
            throw ApiException.notFound("No run '" + runId + "'; see /api/ml/runs");
        }
        return store.runDir(runId);
    }

    private JsonNode readJson(String runId, String artifact) {
        Path file = store.artifact(runId, artifact).orElseThrow(() -> ApiException.notFound(
                "Run " + runId + " has no " + artifact));
        try {
            return MlJson.MAPPER.readTree(file.toFile());
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("Cannot read " + file, e));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalDate date(JsonNode metrics) {
        String value = text(metrics, "businessDate");
        return value == null ? null : LocalDate.parse(value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? null : value.asDouble();
    }
}
