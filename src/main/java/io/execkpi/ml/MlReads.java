package io.execkpi.ml;

import java.io.IOException;
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

import org.springframework.stereotype.Service;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read path of the published model runs and the stored propensity scores, under both the JSON endpoints
 * ({@link MlController}) and the model page: served from the artifact store and the results store; nothing here
 * trains or scores.
 */
@Service
public class MlReads {

    static final int DEFAULT_TOP = 100;
    static final int MAX_TOP = 10_000;
    static final String NO_RUN = "No model run has been published yet: run mlJob for a business date "
            + "(e.g. 'run mlJob date=YYYY-MM-DD' on the command line)";

    private final MlArtifactStore store;
    private final MlScoresRepository scores;

    public MlReads(MlArtifactStore store, MlScoresRepository scores) {
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

    /**
     * The latest run's metrics.json (which carries its runId), plus when it was published.
     *
     * @throws ApiException 404 before any run
     */
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
    public JsonNode shap() {
        MlArtifactStore.LatestPointer pointer = store.latest().orElseThrow(() -> ApiException.notFound(NO_RUN));
        return readJson(pointer.runId(), MlArtifactStore.SHAP);
    }

    /** Every published run, newest first. */
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

    /**
     * One run with its metrics and artifact list.
     *
     * @throws ApiException 404 for an unknown run
     */
    public RunDetail run(String runId) {
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

    /**
     * The {@code top} highest propensities (default 100, at most 10,000) of the latest scored business date, or of
     * {@code date}. Per-user data: the security configuration requires a token on
     * the endpoint.
     *
     * @throws ApiException 400 for a bad top or date, 404 when nothing is scored (for the date)
     */
    public Scores scores(String top, String date) {
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
    public Deciles deciles(String date) {
        LocalDate day = DateParams.parse("date", date);
        MlScoresRepository.ScoredDate scored = scores.scoredDate(day).orElseThrow(() -> ApiException.notFound(
                day == null ? "No propensity scores yet: the score step of mlJob or mlScoreJob stores them"
                        : "No propensity scores for " + day));
        return new Deciles(scored.businessDate(), scored.runId(), scored.users(), scores.deciles(scored.businessDate()));
    }

    /**
     * The {@code top} query parameter: 100 when absent, else a whole number from 1 to 10,000.
     *
     * @throws ApiException 400 for anything else
     */
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

    /** A stored artifact file of a run (one of {@link MlArtifactStore#ARTIFACTS}), empty when the run has none. */
    public Optional<Path> artifact(String runId, String name) {
        return store.artifact(runId, name);
    }

    /**
     * The directory of an existing run.
     *
     * @throws ApiException 404 for a malformed or unknown run id
     */
    Path existingRun(String runId) {
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
