package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.ml.features.MlFeatures;
import io.execkpi.ml.model.Candidates;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * The /api/ml endpoints over real HTTP on a small generated warehouse (no start-up bootstrap): clear 404s before any
 * run; after one mlJob run the metrics, SHAP summary, runs, allow-listed artifacts and scores; 404 for any other file
 * name or run id (a path that the HTTP firewall rejects earlier may answer 400, never a file); 400 for a bad top.
 * Requests carry the read-only token; per-user scores need it (or the operator token), and no log line of the run
 * carries a user's score or id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class MlApiTest {

    static final LocalDate D = LocalDate.of(2025, 6, 30);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        var dir = TestData.newDataDir("ml-api");
        registry.add("execkpi.data-dir", dir::toString);
        registry.add("execkpi.artifacts.dir", () -> dir.resolve("artifacts").toString());
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
        registry.add("execkpi.thelook.start", () -> "2025-01-01");
        registry.add("execkpi.thelook.scale", () -> "0.1");
        registry.add("execkpi.api.token", () -> "operator-token-0123456789");
        registry.add("execkpi.api.read-token", () -> READ_TOKEN);
    }

    static final String READ_TOKEN = "read-token-0123456789";

    @LocalServerPort
    int port;
    @Autowired
    JobRunner jobRunner;
    @Autowired
    EmbeddedWarehouse embeddedWarehouse;
    @Autowired
    MlArtifactStore store;
    @Autowired
    MlScoresRepository scoresRepository;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void everyEndpointIsAClear404BeforeTheFirstRun() throws Exception {
        for (String path : List.of("/api/ml/latest", "/api/ml/shap", "/api/ml/runs")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(json(response).get("detail").asString()).contains("No model run has been published yet");
        }
        assertThat(json(get("/api/ml/scores")).get("detail").asString()).contains("No propensity scores yet");
        assertThat(get("/api/ml/scores").statusCode()).isEqualTo(404);
        assertThat(get("/api/ml/runs/2025-06-30_20250701000000").statusCode()).isEqualTo(404);
        assertThat(get("/api/ml/runs/2025-06-30_20250701000000/artifacts/metrics.json").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void afterARunTheLatestMetricsShapRunsArtifactsAndScoresAreServed(CapturedOutput log) throws Exception {
        embeddedWarehouse.ensureGeneratedThrough(D);
        assertThat(jobRunner.run(MlJobConfiguration.JOB_NAME, new JobRequest(D, null, false)).getStatus())
                .isEqualTo(BatchStatus.COMPLETED);
        // personal data stays out of the log: no user id field and none of the stored propensities
        assertThat(log.getAll()).contains("active users scored with run"); // the run's log is captured
        assertThat(log.getAll()).doesNotContainPattern("(?i)user[ _]?id\\W{0,3}\\d");
        for (MlScoresRepository.Score score : scoresRepository.top(D, 200)) {
            assertThat(log.getAll()).doesNotContain(String.valueOf(score.propensity()));
        }
        String runId = store.latest().orElseThrow().runId();

        JsonNode latest = json(ok("/api/ml/latest"));
        assertThat(latest.get("runId").asString()).isEqualTo(runId);
        MetricsInvariants.assertConsistent(latest);
        for (String field : List.of("model", "publishedAt")) {
            assertThat(latest.path(field).isString()).as("%s is a string, not %s", field, latest.get(field)).isTrue();
        }
        assertThat(latest.get("candidates")).extracting(c -> c.get("name").asString())
                .containsExactlyInAnyOrderElementsOf(Candidates.NAMES);

        JsonNode shap = json(ok("/api/ml/shap"));
        assertThat(shap.get("runId").asString()).isEqualTo(runId);
        assertThat(shap.get("rows").asInt()).isPositive();
        List<Double> importances = new ArrayList<>();
        List<String> explained = new ArrayList<>();
        shap.get("features").forEach(f -> {
            importances.add(f.get("meanAbsShap").asDouble());
            explained.add(f.get("feature").asString());
        });
        assertThat(explained).containsExactlyInAnyOrderElementsOf(MlFeatures.NAMES);
        assertThat(importances).isSortedAccordingTo((a, b) -> Double.compare(b, a));

        JsonNode runs = json(ok("/api/ml/runs"));
        assertThat(runs.get("latest").asString()).isEqualTo(runId);
        assertThat(runs.get("runs")).hasSize(1);
        assertThat(runs.get("runs").get(0).get("latest").asBoolean()).isTrue();

        JsonNode run = json(ok("/api/ml/runs/" + runId));
        assertThat(run.get("artifacts")).extracting(a -> a.get("name").asString())
                .containsExactlyInAnyOrderElementsOf(MlArtifactStore.ARTIFACTS);
        assertThat(run.get("metrics").get("runId").asString()).isEqualTo(runId);

        HttpResponse<String> metrics = ok("/api/ml/runs/" + runId + "/artifacts/metrics.json");
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(metrics.body()).isEqualTo(Files.readString(store.runDir(runId).resolve("metrics.json")));
        HttpResponse<byte[]> model = http.send(request("/api/ml/runs/" + runId + "/artifacts/model.tribuo"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(model.body()).isEqualTo(Files.readAllBytes(store.runDir(runId).resolve("model.tribuo")));
        assertThat(model.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                v -> assertThat(v).contains("attachment"));
        assertThat(ok("/api/ml/runs/" + runId + "/artifacts/model_card.md").body()).contains("# Model card");
        // Tribuo provenance, marshalled by OLCUT: an array of objects (model, trainer, dataset…)
        assertThat(json(ok("/api/ml/runs/" + runId + "/artifacts/provenance.json")).isArray()).isTrue();

        JsonNode scores = json(ok("/api/ml/scores"));
        assertThat(scores.get("businessDate").asString()).isEqualTo(D.toString());
        assertThat(scores.get("runId").asString()).isEqualTo(runId);
        assertThat(scores.get("top").asInt()).isEqualTo(100);
        assertThat(scores.get("scores").size()).isEqualTo((int) Math.min(100, scores.get("users").asLong()));
        JsonNode top5 = json(ok("/api/ml/scores?top=5"));
        assertThat(top5.get("scores")).hasSize(5);
        List<Double> propensities = new ArrayList<>();
        top5.get("scores").forEach(s -> propensities.add(s.get("propensity").asDouble()));
        assertThat(propensities).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(top5.get("scores").get(0).get("decile").asInt()).isEqualTo(1);
        assertThat(json(ok("/api/ml/scores?top=10000&date=" + D)).get("top").asInt()).isEqualTo(10000);
    }

    @Test
    @Order(3)
    void onlyAllowListedArtifactsOfValidRunIdsAreServed() throws Exception {
        String runId = store.latest().orElseThrow().runId();
        // reach the controller: unknown names and ids are 404 with a problem detail
        for (String path : List.of(
                "/api/ml/runs/" + runId + "/artifacts/features.csv",
                "/api/ml/runs/" + runId + "/artifacts/latest.json",
                "/api/ml/runs/" + runId + "/artifacts/model-xgboost.tribuo",
                "/api/ml/runs/" + runId + "/artifacts/..",
                "/api/ml/runs/" + runId + "/artifacts/%2E%2E",
                "/api/ml/runs/latest",
                "/api/ml/runs/" + runId + "x",
                "/api/ml/runs/..%2Flatest.json",
                "/api/ml/runs/2025-06-30_2025070100000/artifacts/metrics.json")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isIn(404, 400);
            assertThat(response.body()).as(path).doesNotContain("\"auc\"", "runId\" :");
        }
        assertThat(get("/api/ml/runs/" + runId + "/artifacts/features.csv").statusCode()).isEqualTo(404);
        assertThat(json(get("/api/ml/runs/" + runId + "/artifacts/features.csv")).get("detail").asString())
                .contains("Unknown artifact");
        assertThat(get("/api/ml/runs/latest").statusCode()).isEqualTo(404);
        // traversal attempts that the HTTP layer normalizes or rejects never reach a file
        for (String path : List.of(
                "/api/ml/runs/" + runId + "/artifacts/..%2F..%2Flatest.json",
                "/api/ml/runs/" + runId + "/artifacts/%2e%2e%2f%2e%2e%2flatest.json",
                "/api/ml/runs/%2e%2e/artifacts/latest.json",
                "/api/ml/runs/" + runId + "/../../latest.json")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).doesNotContain("publishedAt", "runId");
        }
    }

    @Test
    @Order(4)
    void topMustBeAnIntegerFromOneToTenThousand() throws Exception {
        for (String top : List.of("0", "-1", "10001", "abc", "1.5", "99999999999")) {
            HttpResponse<String> response = get("/api/ml/scores?top=" + top);
            assertThat(response.statusCode()).as(top).isEqualTo(400);
            assertThat(json(response).get("detail").asString()).as(top).contains("'top'");
        }
        assertThat(get("/api/ml/scores?date=2025-13-01").statusCode()).isEqualTo(400);
        assertThat(get("/api/ml/scores?date=2025-06-29").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void perUserScoresNeedATokenWhileAggregatesStayPublic() throws Exception {
        for (String token : new String[] {null, "wrong-token"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/ml/scores?top=5"));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(token).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(response.body()).doesNotContain("userId").doesNotContain("propensity");
        }
        for (String path : List.of("/api/ml/scores/", "/api/ml/scores?date=" + D)) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as(path).isIn(401, 404);
            assertThat(anonymous.body()).as(path).doesNotContain("userId");
        }
        HttpResponse<String> asOperator = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/ml/scores?top=5")).header("Authorization", "Bearer operator-token-0123456789").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(asOperator.statusCode()).isEqualTo(200);
        assertThat(ok("/api/ml/scores?top=5").body()).contains("userId");
        // aggregates stay public; the read-only token cannot launch jobs
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ml/latest"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        HttpResponse<String> launch = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/jobs/mlJob/executions")).header("Authorization", "Bearer " + READ_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"date\":\"" + D + "\",\"rerun\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(launch.statusCode()).isEqualTo(403);
        assertThat(launch.body()).contains("may only read");
    }

    @Test
    @Order(6)
    void aConstraintViolationStoringScoresNamesNoUser() {
        LocalDate day = LocalDate.of(2000, 1, 3);
        List<MlScoresRepository.Score> duplicate = List.of(new MlScoresRepository.Score(987654321L, 0.5, 1),
                new MlScoresRepository.Score(987654321L, 0.25, 2));
        try {
            assertThatThrownBy(() -> scoresRepository.replace(day, "run", 1, duplicate))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("violated a constraint of ml_scores")
                    .hasNoCause()
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("987654321"));
        } finally {
            jdbc.update("DELETE FROM ml_scores WHERE business_date = ?", day);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + READ_TOKEN).GET().build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> ok(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return MlJson.MAPPER.readTree(response.body());
    }
}
