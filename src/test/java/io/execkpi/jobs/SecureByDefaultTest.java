package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Without EXECKPI_API_TOKEN, mutating endpoints and per-user data answer 403 whatever is sent; other reads stay
 * public; CORS allows only
 * the configured origins; only health and prometheus of the actuator are exposed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecureByDefaultTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("execkpi.data-dir", () -> TestData.newDataDir("secure").toString());
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.thelook.generate", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
        registry.add("execkpi.api.cors-origins", () -> "https://dashboard.example");
    }

    @LocalServerPort
    int port;
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void mutatingEndpointsAre403WithoutAConfiguredToken() throws Exception {
        for (String token : new String[] {null, "anything"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/jobs/kpiJob/executions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"date\":\"2026-01-01\"}"));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = send(request);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(response.body()).contains("EXECKPI_API_TOKEN");
        }
        assertThat(send(HttpRequest.newBuilder(uri("/api/jobs"))).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/api/kpis"))).statusCode()).isEqualTo(200);
        // per-user data is never public: without a configured token nobody reads it
        HttpResponse<String> scores = send(HttpRequest.newBuilder(uri("/api/ml/scores")));
        assertThat(scores.statusCode()).isEqualTo(403);
        assertThat(scores.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }

    @Test
    void corsAllowsOnlyTheConfiguredOrigins() throws Exception {
        HttpResponse<String> allowed = send(HttpRequest.newBuilder(uri("/api/kpis"))
                .header("Origin", "https://dashboard.example"));
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://dashboard.example");
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/kpis"))
                .header("Origin", "https://evil.example"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // a problem detail like every other error under /api/, not Spring's plain-text "Invalid CORS request"
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(tools.jackson.databind.json.JsonMapper.shared().readTree(refused.body()).get("detail").asString())
                .contains("execkpi.api.cors-origins");
    }

    @Test
    void actuatorExposesHealthProbesAndPrometheusOnly() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/liveness"))).statusCode()).isEqualTo(200);
        HttpResponse<String> readiness = send(HttpRequest.newBuilder(uri("/actuator/health/readiness")));
        assertThat(readiness.statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = send(HttpRequest.newBuilder(uri("/actuator/prometheus")));
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/env"))).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/beans"))).statusCode()).isEqualTo(404);
    }

    @Test
    void apiDocsDescribeEveryEndpoint() throws Exception {
        HttpResponse<String> docs = send(HttpRequest.newBuilder(uri("/v3/api-docs")));
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/kpis/{name}", "/api/experiments/{key}", "/api/ab/test",
                "/api/jobs/{job}/executions", "/api/jobs/executions/{id}/restart", "/api/ml/latest",
                "/api/ml/runs/{runId}/artifacts/{file}", "/api/ml/scores");
        // every operation of our API is described, and an operation declares the bearer scheme exactly when the
        // server refuses it without a token (probed here: no token is configured, so a protected one answers 403)
        tools.jackson.databind.JsonNode paths = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(docs.body()).get("paths");
        java.util.List<String> protectedOperations = new java.util.ArrayList<>();
        for (var path : paths.properties()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (var operation : path.getValue().properties()) {
                String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
                String what = method + " " + path.getKey();
                assertThat(operation.getValue().path("summary").asString()).as(what).isNotBlank();
                assertThat(operation.getValue().path("description").asString()).as(what).isNotBlank();
                HttpResponse<String> probe = send(HttpRequest.newBuilder(uri(path.getKey().replaceAll("\\{[^}]+}",
                        "1"))).header("Content-Type", "application/json")
                        .method(method, method.equals("GET") || method.equals("HEAD")
                                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}")));
                boolean refusedWithoutToken = probe.statusCode() == 403 && probe.body().contains("EXECKPI_API_TOKEN");
                boolean declaresBearer = operation.getValue().path("security").toString().contains("bearer");
                assertThat(declaresBearer).as("%s declares the bearer scheme iff it needs a token (answered %d)", what,
                        probe.statusCode()).isEqualTo(refusedWithoutToken);
                if (refusedWithoutToken) {
                    protectedOperations.add(what);
                }
                // any other method may change state and needs the token; the one exception is the ad-hoc A/B
                // test, a computation on the request body that stores nothing
                if (!method.equals("GET") && !method.equals("HEAD") && !what.equals("POST /api/ab/test")) {
                    assertThat(refusedWithoutToken).as("%s mutates: it needs the token", what).isTrue();
                }
            }
        }
        assertThat(protectedOperations).contains("POST /api/jobs/{job}/executions");
        HttpResponse<String> ui = send(HttpRequest.newBuilder(uri("/docs")));
        assertThat(ui.statusCode()).isIn(200, 302);
    }
}
