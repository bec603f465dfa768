package io.execkpi.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.json.JsonMapper;

/**
 * The application as its README starts it (generate the warehouse, bring the jobs up to yesterday, serve HTTP),
 * on a small generated warehouse, shared by the API tests that extend this class (one Spring context).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class AppTestBase {

    /** The application's yesterday: its clock is {@link TestClock}'s. */
    protected static final LocalDate YESTERDAY = TestClock.YESTERDAY;
    protected static final String TOKEN = "test-token-0123456789";

    @DynamicPropertySource
    static void appProperties(DynamicPropertyRegistry registry) {
        java.nio.file.Path dir = TestData.newDataDir("app");
        registry.add("execkpi.data-dir", dir::toString);
        registry.add("execkpi.artifacts.dir", () -> dir.resolve("artifacts").toString());
        registry.add("execkpi.thelook.start", () -> YESTERDAY.minusDays(120).toString());
        // 0.1: with the generator's frailty few users come back, and at 0.05 the experiments were too small for the
        // dashboard's result tables (DashboardBrowserTest) and the model's minimum of converters
        registry.add("execkpi.thelook.scale", () -> "0.1");
        registry.add("execkpi.bootstrap.backfill-days", () -> "40");
        registry.add("execkpi.kpi.max-range-days", () -> "400");
        registry.add("execkpi.jobs.max-range-days", () -> "100");
        registry.add("execkpi.api.token", () -> TOKEN);
    }

    @LocalServerPort
    protected int port;

    protected final HttpClient http = HttpClient.newHttpClient();
    protected final JsonMapper json = JsonMapper.builder().build();

    protected HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A POST with the operator's bearer token. */
    protected HttpResponse<String> postAsOperator(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Polls a job execution (its {@code Location}) until it is no longer starting, running or stopping. */
    protected tools.jackson.databind.JsonNode awaitEnd(String location) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        while (true) {
            tools.jackson.databind.JsonNode execution = json.readTree(get(location).body());
            String status = execution.get("status").asString();
            if (!status.equals("STARTING") && !status.equals("STARTED") && !status.equals("STOPPING")) {
                return execution;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("execution did not end: " + execution);
            }
            Thread.sleep(100);
        }
    }
}
