package io.execkpi.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.execkpi.support.AppTestBase;
import io.execkpi.support.RawHttp;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;

/**
 * Hostile and odd input against every endpoint of the OpenAPI description, over real HTTP (a raw socket, so that
 * request targets which are not valid URIs reach the server as a hostile client sends them): no answer is a 5xx, and
 * every 4xx is an RFC 9457 problem detail; a bad query value is a 400 naming its parameter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputApiTest extends AppTestBase {

    /** Dates at the edges of {@link java.time.LocalDate}: arithmetic on them overflows. */
    static final List<String> EDGE_DATES = List.of("%2B999999999-12-31", "-999999999-01-01", "+999999999-12-31",
            "0000-01-01", "10000-01-01");
    /** Query values that are not valid UTF-8 (a surrogate, overlong dots, stray bytes) or not valid percent-encoding. */
    static final List<String> BAD_ENCODINGS = List.of("%ED%A0%80", "%C0%AE%C0%AE", "%ff%fe", "%", "%G1", "%E2%82",
            "2026-01-0%");
    /** The first and last dates with four-digit years: served (or 404), never a 5xx. */
    static final List<String> EXTREME_DATES = List.of("0001-01-01", "9999-12-31");
    static final List<String> DATE_PARAMETERS = List.of("from", "to", "date");

    /** Every operation of /v3/api-docs: method, path template and its query parameters. */
    Stream<Arguments> endpoints() throws Exception {
        JsonNode paths = json.readTree(get("/v3/api-docs").body()).get("paths");
        List<Arguments> endpoints = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                List<String> query = new ArrayList<>();
                JsonNode parameters = operation.getValue().get("parameters");
                if (parameters != null) {
                    parameters.forEach(p -> {
                        if (p.get("in").asString().equals("query")) {
                            query.add(p.get("name").asString());
                        }
                    });
                }
                endpoints.add(Arguments.of(operation.getKey().toUpperCase(Locale.ROOT), path.getKey(), query,
                        operation.getValue().has("requestBody")));
            }
        }
        return endpoints.stream();
    }

    @Test
    void theOpenApiDescriptionListsTheEndpointsUnderTest() throws Exception {
        List<String> operations = endpoints().map(a -> a.get()[0] + " " + a.get()[1]).toList();
        assertThat(operations).contains("GET /api/kpis/{name}", "GET /api/experiments/{key}", "GET /api/ml/scores",
                "POST /api/ab/test", "POST /api/jobs/{job}/executions", "GET /api/ml/runs/{runId}/artifacts/{file}",
                "GET /api/jobs/executions");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void hostileInputIsNeverA5xxAndEvery4xxIsAProblemNamingTheParameter(String method, String template,
                                                                         List<String> query, boolean body)
            throws Exception {
        SoftAssertions soft = new SoftAssertions();
        String path = concrete(template);
        String sample = body ? "{}" : null;
        List<String> parameters = new ArrayList<>(query);
        if (!parameters.contains("from")) {
            parameters.add("from"); // an undeclared parameter must be well-formed too
        }
        for (String parameter : parameters) {
            for (String value : BAD_ENCODINGS) {
                RawHttp.Response r = request(method, path + "?" + parameter + "=" + value, sample, body);
                expectProblem(soft, method + " " + path + "?" + parameter + "=" + value, r, 400, parameter);
            }
        }
        for (String parameter : query) {
            for (String value : EDGE_DATES) {
                RawHttp.Response r = request(method, path + "?" + parameter + "=" + value, sample, body);
                String what = method + " " + path + "?" + parameter + "=" + value;
                if (DATE_PARAMETERS.contains(parameter)) {
                    expectProblem(soft, what, r, 400, parameter);
                } else {
                    expectNoServerError(soft, what, r);
                }
            }
        }
        for (String parameter : query) {
            for (String value : EXTREME_DATES) {
                String what = method + " " + path + "?" + parameter + "=" + value;
                expectNoServerError(soft, what, request(method, path + "?" + parameter + "=" + value, sample, body));
            }
        }
        if (template.contains("{")) {
            for (String value : BAD_ENCODINGS) {
                String target = template.replaceAll("\\{[^}]+}", value);
                expectNoServerError(soft, method + " " + target, request(method, target, sample, body));
            }
        }
        for (String accept : List.of("image/png", "text/html", "application/xml", "*/*;q=x")) {
            String what = method + " " + path + " Accept: " + accept;
            expectNoServerError(soft, what, request(method, path, sample, body, "Accept: " + accept));
        }
        String other = method.equals("GET") ? "PATCH" : "PUT";
        expectProblem(soft, other + " " + path, request(other, path, "{}", true), 405, null);
        if (body) {
            for (String type : List.of("*/*", "application/*", "text/plain", "application/x-www-form-urlencoded",
                    "application/json; charset=nonsense", "bogus")) {
                RawHttp.Response r = RawHttp.send(port, method, path, "from=%", "Content-Type: " + type,
                        "Authorization: Bearer " + TOKEN);
                expectProblem(soft, method + " " + path + " Content-Type: " + type, r, 415, null);
            }
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"name\":{\"a\":1},\"users\":100,\"conversions\":10}]}|variants[0].name",
            "{\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"name\":[\"B\"],\"users\":100,\"conversions\":10}]}|variants[0].name",
            "{\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"name\":7,\"users\":100,\"conversions\":10}]}|variants[0].name",
            "{\"weights\":[1e-320,1],\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"users\":100,\"conversions\":10}]}|weights",
            "{\"weights\":[1e300,1e-300],\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"users\":100,\"conversions\":10}]}|weights",
            "{\"weights\":[1e308,1e308],\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"users\":100,\"conversions\":10}]}|",
            "{\"weights\":[1,\"1\"],\"control\":{\"users\":100,\"conversions\":10},\"variants\":[{\"users\":100,\"conversions\":10}]}|weights[1]",
            "{\"control\":{\"users\":9223372036854775807,\"conversions\":9223372036854775807},\"variants\":[{\"users\":9223372036854775807,\"conversions\":1}]}|",
            "{\"control\":{\"users\":100,\"conversions\":10},\"variants\":[null]}|variants[0]",
            "{\"control\":[],\"variants\":[{\"users\":100,\"conversions\":10}]}|control",
            "{\"control\":{\"users\":100,\"conversions\":10},\"variants\":{\"users\":100}}|variants",
            "[]|",
            "null|",
            "\"x\"|",
            "|",
    })
    void oddAbTestBodiesAreA400NamingTheField(String spec) throws Exception {
        int bar = spec.lastIndexOf('|');
        String body = spec.substring(0, bar);
        String field = spec.substring(bar + 1);
        RawHttp.Response r = RawHttp.send(port, "POST", "/api/ab/test", body, "Content-Type: application/json");
        SoftAssertions soft = new SoftAssertions();
        if (field.isEmpty()) {
            expectNoServerError(soft, body, r);
            soft.assertThat(r.text()).as(body).doesNotContain("NaN").doesNotContain("Infinity");
        } else {
            expectProblem(soft, body, r, 400, null);
            soft.assertThat(json.readTree(r.body()).path("detail").asString()).as(body).startsWith(field);
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "DELETE", "HEAD"})
    void aDirectRequestToTheErrorPathIsNotAServerError(String method) throws Exception {
        RawHttp.Response r = RawHttp.send(port, method, "/error", method.equals("GET") ? null : "{}",
                "Content-Type: application/json", "Accept: application/json, text/html");
        assertThat(r.status()).isEqualTo(404);
        if (!method.equals("HEAD")) {
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        RawHttp.Response html = RawHttp.send(port, method, "/error", null, "Accept: text/html");
        assertThat(html.status()).isEqualTo(404);
    }

    @Test
    void anUnsupportedMethodOrHttpVersionIsAProblemDetailSayingWhatWasRefused() throws Exception {
        RawHttp.Response connect = RawHttp.send(port, "CONNECT", "/api/kpis", null);
        assertThat(connect.status()).isEqualTo(501);
        assertThat(connect.contentType()).startsWith("application/problem+json");
        assertThat(connect.text()).contains("request method is not supported").doesNotContain("unexpected error");
        RawHttp.Response http3 = RawHttp.sendAs(port, "HTTP/3.0", "GET", "/api/kpis", null);
        assertThat(http3.status()).isEqualTo(505);
        assertThat(http3.contentType()).startsWith("application/problem+json");
        assertThat(http3.text()).contains("HTTP version is not supported").doesNotContain("unexpected error");
    }

    @Test
    void anInvalidOrUnsatisfiableRangeIs416WithoutTheFileAndAValidOneIs206() throws Exception {
        JsonNode runs = json.readTree(get("/api/ml/runs").body());
        String runId = runs.get("latest").asString();
        String path = "/api/ml/runs/" + runId + "/artifacts/model.tribuo";
        RawHttp.Response whole = RawHttp.send(port, "GET", path, null);
        assertThat(whole.status()).isEqualTo(200);
        int length = whole.body().length;
        assertThat(length).isGreaterThan(100);
        for (String range : List.of("bytes=5-1", "bytes=" + length + "-", "bytes=" + (length + 10) + "-" + (length + 20),
                "bytes=-0")) {
            RawHttp.Response r = RawHttp.send(port, "GET", path, null, "Range: " + range);
            assertThat(r.status()).as(range).isEqualTo(416);
            assertThat(r.header("content-range")).as(range).isEqualTo("bytes */" + length);
            assertThat(r.contentType()).as(range).startsWith("application/problem+json");
            assertThat(r.body().length).as(range).isLessThan(1000);
            assertThat(json.readTree(r.body()).get("detail").asString()).as(range).contains("Range");
        }
        RawHttp.Response part = RawHttp.send(port, "GET", path, null, "Range: bytes=0-4");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 0, 5));
        assertThat(part.header("content-range")).isEqualTo("bytes 0-4/" + length);
        // a range unit the server does not support is ignored (RFC 9110 section 14.2): the whole file
        RawHttp.Response lines = RawHttp.send(port, "GET", path, null, "Range: lines=1-2");
        assertThat(lines.status()).isEqualTo(200);
        assertThat(lines.body()).isEqualTo(whole.body());
    }

    private RawHttp.Response request(String method, String target, String body, boolean json, String... headers)
            throws Exception {
        List<String> lines = new ArrayList<>(List.of(headers));
        lines.add("Authorization: Bearer " + TOKEN);
        if (json) {
            lines.add("Content-Type: application/json");
        }
        return RawHttp.send(port, method, target, body, lines.toArray(String[]::new));
    }

    /** Path variables replaced by values that exist, or (for mutations) by an execution id that does not. */
    private String concrete(String template) throws Exception {
        String path = template;
        if (path.contains("{runId}")) {
            path = path.replace("{runId}", json.readTree(get("/api/ml/runs").body()).get("latest").asString());
        }
        if (path.contains("{key}")) {
            path = path.replace("{key}", json.readTree(get("/api/experiments").body()).get(0).get("experiment")
                    .asString());
        }
        return path.replace("{name}", "revenue_daily").replace("{file}", "metrics.json").replace("{job}", "kpiJob")
                .replace("{id}", "999999999");
    }

    private void expectNoServerError(SoftAssertions soft, String what, RawHttp.Response r) throws Exception {
        soft.assertThat(r.status()).as(what + " → " + r.text()).isLessThan(500);
        if (r.status() >= 400) {
            expectProblem(soft, what, r, r.status(), null);
        }
    }

    private void expectProblem(SoftAssertions soft, String what, RawHttp.Response r, int status, String parameter)
            throws Exception {
        soft.assertThat(r.status()).as(what + " → " + r.text()).isEqualTo(status);
        soft.assertThat(r.contentType()).as(what + " content type").startsWith("application/problem+json");
        if (!r.contentType().startsWith("application/problem+json")) {
            return;
        }
        JsonNode problem = json.readTree(r.body());
        soft.assertThat(problem.path("status").asInt()).as(what + " problem status").isEqualTo(r.status());
        soft.assertThat(problem.path("title").asString()).as(what + " title").isNotBlank();
        soft.assertThat(r.text()).as(what).doesNotContain("Exception").doesNotContain("at io.execkpi");
        if (parameter != null) {
            soft.assertThat(problem.path("detail").asString()).as(what + " names the parameter")
                    .contains("'" + parameter + "'");
        }
    }
}
