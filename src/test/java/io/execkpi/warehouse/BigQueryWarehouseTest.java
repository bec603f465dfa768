package io.execkpi.warehouse;

import static io.execkpi.warehouse.BigQueryStub.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The real google-cloud-bigquery client against {@link BigQueryStub}, a local HTTP stand-in for the BigQuery REST
 * API: what the warehouse sends (SQL with datasets substituted, named typed parameters, labels, byte limit,
 * location, timeout) and how it handles answers (types, pages, a running job, transient and permanent errors,
 * timeout).
 */
class BigQueryWarehouseTest {

    private static final LocalDate FROM = LocalDate.of(2024, 1, 1);
    private static final LocalDate TO = LocalDate.of(2024, 1, 3);
    private static final Map<String, Object> KPI_PARAMETERS = Map.of("from", FROM, "to", TO,
            "partition_from", FROM, "partition_to", TO, "capped_from", FROM);
    private static final JsonObject REVENUE_SCHEMA = BigQueryStub.schema("date", "DATE", "orders", "INTEGER",
            "items", "INTEGER", "revenue", "FLOAT", "aov", "FLOAT");

    private BigQueryStub stub;
    private final List<BigQueryWarehouse> warehouses = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stub = new BigQueryStub();
    }

    @AfterEach
    void stop() throws Exception {
        for (BigQueryWarehouse warehouse : warehouses) {
            warehouse.close();
        }
        stub.close();
    }

    private BigQueryWarehouse warehouse(Duration timeout, int maxAttempts, String experimentsDataset,
                                        Long maximumBytesBilled, Map<String, String> labels) {
        BigQueryProperties properties = new BigQueryProperties(PROJECT, null, experimentsDataset, "US",
                maximumBytesBilled, labels, timeout, 10_000, maxAttempts, Duration.ofMillis(10),
                Duration.ofMillis(40), Duration.ofSeconds(30), stub.endpoint());
        BigQueryWarehouse warehouse = BigQueryWarehouse.create(properties,
                new SqlFiles(new DefaultResourceLoader(), "classpath:sql/", "bigquery"), null);
        warehouses.add(warehouse);
        return warehouse;
    }

    private BigQueryWarehouse warehouse() {
        return warehouse(Duration.ofSeconds(20), 4, null, null, Map.of());
    }

    private static List<List<String>> revenueRows(int firstDay, int count) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LocalDate day = FROM.plusDays(firstDay + i);
            rows.add(List.of(day.toString(), String.valueOf(10 + i), String.valueOf(20 + i), (100 + i) + ".5",
                    "10.05"));
        }
        return rows;
    }

    @Test
    void sendsTheRenderedSqlWithNamedTypedParametersLabelsAndLimits() {
        stub.handle(r -> BigQueryStub.queryResponse(REVENUE_SCHEMA, revenueRows(0, 3), 3, null));
        BigQueryWarehouse warehouse = warehouse(Duration.ofMinutes(3), 4, null, 5_000_000_000L,
                Map.of("team", "analytics", "env", "test"));

        long count = warehouse.query("revenue_daily", KPI_PARAMETERS, row -> { });

        assertThat(count).isEqualTo(3);
        List<BigQueryStub.Request> queries = stub.requests(BigQueryStub.Request::isJobsQuery);
        assertThat(queries).hasSize(1);
        JsonObject body = queries.getFirst().json();
        String sql = body.get("query").getAsString();
        // the dataset is substituted into the table names, the values are not in the SQL text
        assertThat(sql).contains("`bigquery-public-data.thelook_ecommerce.orders`")
                .contains("@from").contains("@to")
                .doesNotContain("{{").doesNotContain("2024-01-01").doesNotContain("2024-01-03");
        assertThat(body.get("useLegacySql").getAsBoolean()).isFalse();
        assertThat(body.get("parameterMode") == null || body.get("parameterMode").getAsString().equals("NAMED"))
                .isTrue();
        // named parameters, typed; revenue_daily does not use the partition bounds, so they are not sent
        assertThat(BigQueryStub.parameters(body)).containsExactly(
                Map.entry("from", List.of("DATE", "2024-01-01")),
                Map.entry("to", List.of("DATE", "2024-01-03")));
        JsonObject labels = body.getAsJsonObject("labels");
        assertThat(labels.get("team").getAsString()).isEqualTo("analytics");
        assertThat(labels.get("env").getAsString()).isEqualTo("test");
        assertThat(labels.get("execkpi_query").getAsString()).isEqualTo("revenue_daily");
        assertThat(body.get("maximumBytesBilled").getAsString()).isEqualTo("5000000000");
        assertThat(body.get("location").getAsString()).isEqualTo("US");
        assertThat(body.get("jobTimeoutMs").getAsString()).isEqualTo("180000");
        assertThat(body.get("maxResults").getAsLong()).isEqualTo(10_000);
        assertThat(body.get("requestId").getAsString()).isNotBlank();
    }

    @Test
    void withoutLimitsOnlyTheQueryLabelIsSent() {
        stub.handle(r -> BigQueryStub.queryResponse(REVENUE_SCHEMA, revenueRows(0, 1), 1, null));

        warehouse().query("revenue_daily", KPI_PARAMETERS, row -> { });

        JsonObject body = stub.requests(BigQueryStub.Request::isJobsQuery).getFirst().json();
        assertThat(body.has("maximumBytesBilled")).isFalse();
        assertThat(body.getAsJsonObject("labels").keySet()).containsExactly("execkpi_query");
    }

    @Test
    void convertsEveryColumnTypeToJavaValues() {
        JsonObject schema = BigQueryStub.schema("DATE", "DATE", "n", "INTEGER", "x", "FLOAT", "amount", "NUMERIC",
                "flag", "BOOLEAN", "name", "STRING", "at", "TIMESTAMP", "missing", "FLOAT");
        stub.handle(r -> BigQueryStub.queryResponse(schema, List.of(
                java.util.Arrays.asList("2024-01-02", "42", "0.25", "12.50", "true", "control", "1704164645.5", null),
                java.util.Arrays.asList("2024-01-03", "-7", "1e3", "0", "false", "treatment", "0", null)), 2, null));
        List<Map<String, Object>> rows = new ArrayList<>();

        warehouse().query("revenue_daily", KPI_PARAMETERS, rows::add);

        assertThat(rows).hasSize(2);
        Map<String, Object> first = rows.getFirst();
        assertThat(first).containsOnlyKeys("date", "n", "x", "amount", "flag", "name", "at", "missing");
        assertThat(first.get("date")).isEqualTo(LocalDate.of(2024, 1, 2));
        assertThat(first.get("n")).isEqualTo(42L);
        assertThat(first.get("x")).isEqualTo(0.25d);
        assertThat(first.get("amount")).isEqualTo(new BigDecimal("12.50"));
        assertThat(first.get("flag")).isEqualTo(Boolean.TRUE);
        assertThat(first.get("name")).isEqualTo("control");
        assertThat(first.get("at")).isEqualTo(Instant.parse("2024-01-02T03:04:05.500Z"));
        assertThat(first.get("missing")).isNull();
        Map<String, Object> second = rows.get(1);
        assertThat(second.get("n")).isEqualTo(-7L);
        assertThat(second.get("x")).isEqualTo(1000.0d);
        assertThat(second.get("flag")).isEqualTo(Boolean.FALSE);
        assertThat(second.get("at")).isEqualTo(Instant.EPOCH);
    }

    @Test
    void streamsEveryPageOnlyAfterTheRowsOfThePreviousOneWereConsumed() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Integer> consumedWhenPageRequested = new ArrayList<>();
        stub.handle(r -> {
            if (r.isJobsQuery()) {
                return BigQueryStub.queryResponse(REVENUE_SCHEMA, revenueRows(0, 3), 8, "page-2");
            }
            if (r.isJobsGet()) { // the client looks up the job's result table for the next pages
                return BigQueryStub.job("DONE", null);
            }
            if (r.isTableData()) {
                consumedWhenPageRequested.add(rows.size());
                return switch (r.query().getOrDefault("pageToken", "")) {
                    case "page-2" -> BigQueryStub.tableData(revenueRows(3, 3), 8, "page-3");
                    case "page-3" -> BigQueryStub.tableData(revenueRows(6, 2), 8, null);
                    default -> BigQueryStub.error(400, "invalid", "unexpected page token");
                };
            }
            return BigQueryStub.error(404, "notFound", "unexpected " + r.method() + " " + r.path());
        });

        long count = warehouse().query("revenue_daily", KPI_PARAMETERS, rows::add);

        assertThat(count).isEqualTo(8);
        assertThat(rows).extracting(row -> row.get("date"))
                .containsExactly(FROM, FROM.plusDays(1), FROM.plusDays(2), FROM.plusDays(3), FROM.plusDays(4),
                        FROM.plusDays(5), FROM.plusDays(6), FROM.plusDays(7));
        // page 2 was requested after the 3 rows of page 1 were consumed, page 3 after 6
        assertThat(consumedWhenPageRequested).containsExactly(3, 6);
        assertThat(stub.requests(BigQueryStub.Request::isTableData)).allSatisfy(r ->
                assertThat(r.path()).endsWith("/projects/" + PROJECT + "/datasets/_anon/tables/anon_result/data"));
    }

    @Test
    void retriesA503WhileReadingPages() {
        AtomicInteger tableDataCalls = new AtomicInteger();
        stub.handle(r -> {
            if (r.isJobsQuery()) {
                return BigQueryStub.queryResponse(REVENUE_SCHEMA, revenueRows(0, 2), 4, "page-2");
            }
            if (r.isJobsGet()) {
                return BigQueryStub.job("DONE", null);
            }
            if (r.isTableData()) {
                return tableDataCalls.incrementAndGet() == 1
                        ? BigQueryStub.error(503, "backendError", "Backend error, please retry.")
                        : BigQueryStub.tableData(revenueRows(2, 2), 4, null);
            }
            return BigQueryStub.error(404, "notFound", "unexpected " + r.method() + " " + r.path());
        });

        assertThat(warehouse().query("revenue_daily", KPI_PARAMETERS, row -> { })).isEqualTo(4);
        assertThat(tableDataCalls.get()).isEqualTo(2);
    }

    @Test
    void pollsALongRunningJobThenReadsItsResultTablePageByPage() {
        AtomicInteger jobsGet = new AtomicInteger();
        stub.handle(r -> {
            if (r.isJobsQuery()) {
                return BigQueryStub.notComplete("bigquery#queryResponse");
            }
            if (r.isJobsGet()) {
                return BigQueryStub.job(jobsGet.incrementAndGet() < 3 ? "RUNNING" : "DONE", null);
            }
            if (r.isGetQueryResults()) {
                return BigQueryStub.queryResults(REVENUE_SCHEMA, List.of(), 5, null);
            }
            if (r.isTableData()) {
                return r.query().containsKey("pageToken")
                        ? BigQueryStub.tableData(revenueRows(3, 2), 5, null)
                        : BigQueryStub.tableData(revenueRows(0, 3), 5, "t-2");
            }
            return BigQueryStub.error(404, "notFound", "unexpected " + r.method() + " " + r.path());
        });
        List<Map<String, Object>> rows = new ArrayList<>();

        long count = warehouse().query("revenue_daily", KPI_PARAMETERS, rows::add);

        assertThat(count).isEqualTo(5);
        assertThat(rows.getLast()).containsEntry("date", FROM.plusDays(4)).containsEntry("orders", 11L);
        assertThat(jobsGet.get()).isGreaterThanOrEqualTo(3);
        assertThat(stub.requests(BigQueryStub.Request::isJobsGet)).allSatisfy(r ->
                assertThat(r.query()).containsEntry("location", "US"));
        assertThat(stub.requests(BigQueryStub.Request::isTableData)).hasSize(2).allSatisfy(r ->
                assertThat(r.path()).endsWith("/datasets/_anon/tables/anon_result/data"));
        assertThat(stub.requests(BigQueryStub.Request::isCancel)).isEmpty();
    }

    @Test
    void retriesA503FromJobsQueryWithTheSameRequestId() {
        AtomicInteger calls = new AtomicInteger();
        stub.handle(r -> calls.incrementAndGet() == 1
                ? BigQueryStub.error(503, "backendError", "The service is currently unavailable.")
                : BigQueryStub.queryResponse(REVENUE_SCHEMA, revenueRows(0, 3), 3, null));

        long count = warehouse().query("revenue_daily", KPI_PARAMETERS, row -> { });

        assertThat(count).isEqualTo(3);
        List<BigQueryStub.Request> queries = stub.requests(BigQueryStub.Request::isJobsQuery);
        assertThat(queries).hasSize(2);
        // the retry is the same request: BigQuery deduplicates it by requestId, so the query never runs twice
        assertThat(queries.get(1).json().get("requestId")).isEqualTo(queries.get(0).json().get("requestId"));
    }

    @Test
    void retriesRateLimitErrors() {
        AtomicInteger calls = new AtomicInteger();
        stub.handle(r -> calls.incrementAndGet() <= 2
                ? BigQueryStub.error(403, "rateLimitExceeded",
                        "Exceeded rate limits: too many concurrent queries for this project_and_region.")
                : BigQueryStub.queryResponse(REVENUE_SCHEMA, revenueRows(0, 3), 3, null));

        assertThat(warehouse().query("revenue_daily", KPI_PARAMETERS, row -> { })).isEqualTo(3);
        assertThat(stub.requests(BigQueryStub.Request::isJobsQuery)).hasSize(3);
    }

    @Test
    void givesUpOnTransientErrorsAfterMaxAttempts() {
        stub.handle(r -> BigQueryStub.error(503, "backendError", "The service is currently unavailable."));
        BigQueryWarehouse warehouse = warehouse(Duration.ofSeconds(20), 3, null, null, Map.of());

        assertThatThrownBy(() -> warehouse.query("revenue_daily", KPI_PARAMETERS, row -> { }))
                .isInstanceOf(WarehouseQueryException.class)
                .hasMessageContaining("BigQuery query revenue_daily failed")
                .hasMessageContaining("The service is currently unavailable.");
        assertThat(stub.requests(BigQueryStub.Request::isJobsQuery)).hasSize(3);
    }

    @Test
    void aPermanentErrorFailsAtOnceWithBigQuerysMessage() {
        stub.handle(r -> BigQueryStub.error(400, "invalidQuery",
                "Unrecognized name: revenu; Did you mean revenue? at [12:8]"));

        assertThatThrownBy(() -> warehouse().query("revenue_daily", KPI_PARAMETERS, row -> { }))
                .isInstanceOf(WarehouseQueryException.class)
                .hasMessageContaining("BigQuery query revenue_daily failed: "
                        + "Unrecognized name: revenu; Did you mean revenue? at [12:8]")
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("invalidQuery");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void aJobThatFailsWhileRunningFailsWithItsError() {
        stub.handle(r -> {
            if (r.isJobsQuery()) {
                return BigQueryStub.notComplete("bigquery#queryResponse");
            }
            if (r.isJobsGet()) {
                return BigQueryStub.job("DONE", BigQueryStub.errorProto("bytesBilledLimitExceeded",
                        "Query exceeded limit for bytes billed: 1000. 10485760 or higher required."));
            }
            return BigQueryStub.error(404, "notFound", "unexpected " + r.method() + " " + r.path());
        });

        assertThatThrownBy(() -> warehouse().query("revenue_daily", KPI_PARAMETERS, row -> { }))
                .isInstanceOf(WarehouseQueryException.class)
                .hasMessageContaining("Query exceeded limit for bytes billed: 1000")
                .hasMessageContaining("bytesBilledLimitExceeded");
    }

    @Test
    void aJobStillRunningAtTheTimeoutIsCancelledAndFails() {
        stub.handle(r -> {
            if (r.isJobsQuery()) {
                return BigQueryStub.notComplete("bigquery#queryResponse");
            }
            if (r.isJobsGet()) {
                return BigQueryStub.job("RUNNING", null);
            }
            if (r.isCancel()) {
                return BigQueryStub.cancelled();
            }
            return BigQueryStub.error(404, "notFound", "unexpected " + r.method() + " " + r.path());
        });
        BigQueryWarehouse warehouse = warehouse(Duration.ofMillis(1500), 4, null, null, Map.of());
        long started = System.nanoTime();

        assertThatThrownBy(() -> warehouse.query("revenue_daily", KPI_PARAMETERS, row -> { }))
                .isInstanceOf(WarehouseQueryException.class)
                .hasMessageContaining("timed out after PT1.5S")
                .hasMessageContaining("cancelled");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(8));
        assertThat(stub.requests(BigQueryStub.Request::isCancel)).hasSize(1).allSatisfy(r ->
                assertThat(r.path()).endsWith("/projects/" + PROJECT + "/jobs/" + BigQueryStub.JOB + "/cancel"));
        // the server is told too: the job's own timeout
        assertThat(stub.requests(BigQueryStub.Request::isJobsQuery).getFirst().json().get("jobTimeoutMs")
                .getAsString()).isEqualTo("1500");
    }

    @Test
    void aMissingParameterIsAnErrorBeforeAnyRequest() {
        BigQueryWarehouse warehouse = warehouse();

        assertThatThrownBy(() -> warehouse.query("revenue_daily", Map.of("from", FROM), row -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs parameters [to]");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void bindsEachJavaTypeAsItsBigQueryType() {
        assertThat(BigQueryWarehouse.parameter("d", LocalDate.of(2024, 2, 29)).getType().name()).isEqualTo("DATE");
        assertThat(BigQueryWarehouse.parameter("t", Instant.parse("2024-01-01T00:00:00Z")).getValue())
                .isEqualTo("2024-01-01 00:00:00.000000+00:00");
        assertThat(BigQueryWarehouse.parameter("t", Instant.parse("2024-01-01T00:00:00Z")).getType().name())
                .isEqualTo("TIMESTAMP");
        assertThat(BigQueryWarehouse.parameter("t", java.time.LocalDateTime.of(2024, 1, 1, 12, 0)).getValue())
                .isEqualTo("2024-01-01 12:00:00.000000+00:00");
        assertThat(BigQueryWarehouse.parameter("n", 3L).getType().name()).isEqualTo("INT64");
        assertThat(BigQueryWarehouse.parameter("n", 3).getType().name()).isEqualTo("INT64");
        assertThat(BigQueryWarehouse.parameter("x", 0.5).getType().name()).isEqualTo("FLOAT64");
        assertThat(BigQueryWarehouse.parameter("x", new BigDecimal("1.25")).getType().name()).isEqualTo("NUMERIC");
        assertThat(BigQueryWarehouse.parameter("s", "it's").getValue()).isEqualTo("it's");
        assertThat(BigQueryWarehouse.parameter("b", true).getType().name()).isEqualTo("BOOL");
        assertThatThrownBy(() -> BigQueryWarehouse.parameter("x", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@x is null");
        assertThatThrownBy(() -> BigQueryWarehouse.parameter("x", new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported type");
    }

    @Test
    void theExperimentsDatasetReplacesTheAaSplit() {
        stub.handle(r -> BigQueryStub.queryResponse(BigQueryStub.schema("as_of_date", "DATE"), List.of(), 0, null));
        Map<String, Object> parameters = new HashMap<>(KPI_PARAMETERS);

        warehouse(Duration.ofSeconds(20), 4, "my-project.ab_tests", null, Map.of())
                .query("ab_metrics", parameters, row -> { });
        warehouse().query("ab_metrics", parameters, row -> { });

        List<BigQueryStub.Request> queries = stub.requests(BigQueryStub.Request::isJobsQuery);
        String withTables = queries.get(0).json().get("query").getAsString();
        String aa = queries.get(1).json().get("query").getAsString();
        assertThat(withTables).contains("`my-project.ab_tests.assignments`", "`my-project.ab_tests.experiments`",
                "`my-project.ab_tests.experiment_variants`").doesNotContain("'aa_hash_split' AS experiment_id");
        assertThat(aa).contains("'aa_hash_split' AS experiment_id", "FARM_FINGERPRINT(CAST(id AS STRING))")
                .doesNotContain("ab_tests").doesNotContain("{{");
    }
}
