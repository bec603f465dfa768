package io.execkpi.warehouse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for the BigQuery REST API (v2) on 127.0.0.1: records every request (bodies gunzipped, as the
 * client compresses them) and answers with what the test's handler returns. Builders for the JSON the client
 * reads: jobs.query / getQueryResults responses, job resources, tabledata pages and error bodies.
 */
final class BigQueryStub implements AutoCloseable {

    static final String PROJECT = "test-project";
    static final String JOB = "job_1";
    static final String LOCATION = "US";

    /** One request: method, path without query string, decoded query parameters, body text and JSON (or null). */
    record Request(String method, String path, Map<String, String> query, String body, JsonObject json) {

        boolean is(String method, String pathSuffix) {
            return this.method.equals(method) && path.endsWith(pathSuffix);
        }

        boolean isJobsQuery() {
            return is("POST", "/projects/" + PROJECT + "/queries");
        }

        boolean isGetQueryResults() {
            return method.equals("GET") && path.contains("/projects/" + PROJECT + "/queries/");
        }

        boolean isJobsGet() {
            return method.equals("GET") && path.matches(".*/projects/" + PROJECT + "/jobs/[^/]+");
        }

        boolean isCancel() {
            return is("POST", "/cancel");
        }

        boolean isTableData() {
            return method.equals("GET") && path.endsWith("/data");
        }
    }

    record Response(int status, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> handler = r -> error(404, "notFound", "No handler in the stub");

    BigQueryStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void handle(Function<Request, Response> handler) {
        this.handler = handler;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(java.util.function.Predicate<Request> which) {
        return requests.stream().filter(which).toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if ("gzip".equalsIgnoreCase(encoding) && raw.length > 0) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    raw = in.readAllBytes();
                }
            }
            String body = new String(raw, StandardCharsets.UTF_8);
            JsonObject json = body.isBlank() ? null : JsonParser.parseString(body).getAsJsonObject();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    query(exchange.getRequestURI().getRawQuery()), body, json);
            requests.add(request);
            Response response;
            try {
                response = handler.apply(request);
            } catch (RuntimeException e) {
                response = error(500, "internalError", "stub handler failed: " + e);
            }
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(response.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- JSON builders -------------------------------------------------------------------------------------------

    /** A schema: alternating name, type (e.g. "date", "DATE", "orders", "INTEGER"). */
    static JsonObject schema(String... nameType) {
        JsonArray fields = new JsonArray();
        for (int i = 0; i < nameType.length; i += 2) {
            JsonObject field = new JsonObject();
            field.addProperty("name", nameType[i]);
            field.addProperty("type", nameType[i + 1]);
            field.addProperty("mode", "NULLABLE");
            fields.add(field);
        }
        JsonObject schema = new JsonObject();
        schema.add("fields", fields);
        return schema;
    }

    /** Rows as the API sends them: every cell a string (or null). */
    static JsonArray rows(List<List<String>> rows) {
        JsonArray array = new JsonArray();
        for (List<String> row : rows) {
            JsonArray cells = new JsonArray();
            for (String value : row) {
                JsonObject cell = new JsonObject();
                cell.add("v", value == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(value));
                cells.add(cell);
            }
            JsonObject f = new JsonObject();
            f.add("f", cells);
            array.add(f);
        }
        return array;
    }

    static JsonObject jobReference() {
        JsonObject ref = new JsonObject();
        ref.addProperty("projectId", PROJECT);
        ref.addProperty("jobId", JOB);
        ref.addProperty("location", LOCATION);
        return ref;
    }

    /** A jobs.query or getQueryResults answer for a completed query: one page, and a token when more follow. */
    static Response queryPage(String kind, JsonObject schema, List<List<String>> rows, long totalRows,
                              String pageToken) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind);
        o.add("jobReference", jobReference());
        o.addProperty("jobComplete", true);
        o.add("schema", schema);
        o.add("rows", rows(rows));
        o.addProperty("totalRows", String.valueOf(totalRows));
        if (pageToken != null) {
            o.addProperty("pageToken", pageToken);
        }
        return new Response(200, o.toString());
    }

    static Response queryResponse(JsonObject schema, List<List<String>> rows, long totalRows, String pageToken) {
        return queryPage("bigquery#queryResponse", schema, rows, totalRows, pageToken);
    }

    static Response queryResults(JsonObject schema, List<List<String>> rows, long totalRows, String pageToken) {
        return queryPage("bigquery#getQueryResultsResponse", schema, rows, totalRows, pageToken);
    }

    /** jobs.query (or getQueryResults) answer while the job is still running. */
    static Response notComplete(String kind) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind);
        o.add("jobReference", jobReference());
        o.addProperty("jobComplete", false);
        return new Response(200, o.toString());
    }

    /** A job resource in a state (PENDING, RUNNING, DONE), with an error result when given. */
    static Response job(String state, JsonObject errorResult) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "bigquery#job");
        o.addProperty("id", PROJECT + ":" + LOCATION + "." + JOB);
        o.add("jobReference", jobReference());
        JsonObject table = new JsonObject();
        table.addProperty("projectId", PROJECT);
        table.addProperty("datasetId", "_anon");
        table.addProperty("tableId", "anon_result");
        JsonObject query = new JsonObject();
        query.addProperty("query", "SELECT 1");
        query.add("destinationTable", table);
        query.addProperty("useLegacySql", false);
        JsonObject configuration = new JsonObject();
        configuration.add("query", query);
        configuration.addProperty("jobType", "QUERY");
        o.add("configuration", configuration);
        JsonObject status = new JsonObject();
        status.addProperty("state", state);
        if (errorResult != null) {
            status.add("errorResult", errorResult);
            JsonArray errors = new JsonArray();
            errors.add(errorResult);
            status.add("errors", errors);
        }
        o.add("status", status);
        return new Response(200, o.toString());
    }

    static JsonObject errorProto(String reason, String message) {
        JsonObject e = new JsonObject();
        e.addProperty("reason", reason);
        e.addProperty("message", message);
        return e;
    }

    /** One tabledata.list page. */
    static Response tableData(List<List<String>> rows, long totalRows, String pageToken) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "bigquery#tableDataList");
        o.addProperty("totalRows", String.valueOf(totalRows));
        o.add("rows", rows(rows));
        if (pageToken != null) {
            o.addProperty("pageToken", pageToken);
        }
        return new Response(200, o.toString());
    }

    static Response cancelled() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "bigquery#jobCancelResponse");
        o.add("job", JsonParser.parseString(job("DONE", null).body()));
        return new Response(200, o.toString());
    }

    /** An error body as Google APIs send it. */
    static Response error(int code, String reason, String message) {
        JsonObject detail = new JsonObject();
        detail.addProperty("message", message);
        detail.addProperty("domain", "global");
        detail.addProperty("reason", reason);
        JsonArray errors = new JsonArray();
        errors.add(detail);
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        error.add("errors", errors);
        error.addProperty("status", code == 400 ? "INVALID_ARGUMENT" : code == 503 ? "UNAVAILABLE" : "UNKNOWN");
        JsonObject o = new JsonObject();
        o.add("error", error);
        return new Response(code, o.toString());
    }

    /** The query parameters of a jobs.query body: name to {type, value}. */
    static Map<String, List<String>> parameters(JsonObject body) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        JsonElement list = body.get("queryParameters");
        if (list == null) {
            return parameters;
        }
        for (JsonElement p : list.getAsJsonArray()) {
            JsonObject o = p.getAsJsonObject();
            List<String> typeValue = new ArrayList<>();
            typeValue.add(o.getAsJsonObject("parameterType").get("type").getAsString());
            typeValue.add(o.getAsJsonObject("parameterValue").get("value").getAsString());
            parameters.put(o.get("name").getAsString(), typeValue);
        }
        return parameters;
    }
}
