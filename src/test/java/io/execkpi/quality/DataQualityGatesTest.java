package io.execkpi.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.CatalogFiles;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data-quality gates of kpiJob on the real embedded DuckDB warehouse and H2 store, with the
 * repository's catalog plus a KPI whose key uniqueness depends on the data. After a clean baseline, the warehouse is
 * damaged one way at a time: a funnel rate above 1, duplicate keys, a day whose completed orders drop by 90 % and a
 * last day that is missing. Each error-level failure fails the step, leaves the previous rows as they were, and is
 * stored and served at {@code /api/quality} and counted in the Prometheus metric.
 */
class DataQualityGatesTest {

    static final LocalDate FROM = LocalDate.of(2025, 2, 1);
    static final LocalDate TO = LocalDate.of(2025, 3, 31);
    static final LocalDate BASELINE_TO = TO.minusDays(4);
    static final LocalDate RATE_DAY = LocalDate.of(2025, 3, 20);
    static final LocalDate DUPLICATE_DAY = LocalDate.of(2025, 3, 21);
    static final LocalDate DROP_DAY = TO.minusDays(1);

    /** Keyed by date and source, but grouped by a third expression: an order with a negative id duplicates a key. */
    static final String ENTRY = """

              - name: orders_by_source
                description: Completed orders per day and users.traffic_source.
                sql: orders_by_source
                grain: daily
                partition: date
                keys:
                  - {name: date, type: date, description: "Day the order was created (UTC)"}
                  - {name: traffic_source, type: text, description: "users.traffic_source of the ordering user"}
                values:
                  - {name: orders, type: integer, description: "Completed orders"}
                tests:
                  - {unique: [date, traffic_source]}
            """;
    static final String SQL = """
            SELECT CAST(o.created_at AS DATE) AS date, u.traffic_source, COUNT(*) AS orders
            FROM orders o JOIN users u ON u.id = o.user_id
            WHERE o.status = 'Complete'
              AND o.created_at >= CAST(:from AS TIMESTAMP) AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
            GROUP BY CAST(o.created_at AS DATE), u.traffic_source, o.order_id < 0
            """;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void staleSourcesFailingTestsAndAnomaliesFailTheStepAndKeepThePreviousRows() throws Exception {
        Path dir = TestData.newDataDir("quality");
        String catalog = Files.readString(Path.of("jobs/kpis.yml"));
        String strictAnomaly = "anomaly: {column: orders, weeks: 4, warn: 3, error: 5}";
        String withError = catalog.replace("anomaly: {column: orders, weeks: 4, warn: 4}", strictAnomaly);
        assertThat(withError).contains(strictAnomaly);
        Path files = CatalogFiles.write(dir, withError + ENTRY);
        Files.writeString(files.resolve("sql/duckdb/orders_by_source.sql"), SQL);

        // scale 4: about 60 completed orders a day, enough for a 90 % drop to stand out of the Poisson noise
        try (ConfigurableApplicationContext app = CatalogFiles.start(dir, files, "2024-12-01", "4")) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(TO);
            JdbcTemplate warehouse = new JdbcTemplate(app.getBean(WarehouseConfiguration.WarehouseConnection.class)
                    .dataSource());
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            JobRunner jobs = app.getBean(JobRunner.class);

            // a clean baseline passes every gate
            JobExecution baseline = jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(BASELINE_TO, FROM, false));
            assertThat(baseline.getStatus()).as(failure(baseline)).isEqualTo(BatchStatus.COMPLETED);
            JsonNode clean = get(app, "/api/quality?date=" + BASELINE_TO);
            assertThat(clean.get("error").asInt()).isZero();
            assertThat(clean.get("pass").asInt()).isGreaterThan(20);
            assertThat(checks(clean)).contains("revenue_daily/freshness(orders)", "funnel_daily/freshness(events)",
                    "funnel_daily/range(cart_to_purchase,[0,1])", "orders_by_source/unique(date,traffic_source)",
                    "revenue_daily/anomaly(orders)", "retention_weekly/not_null_range(retention_rate,[0,1])");
            // the anomaly check judged only the run's last 7 dates (its detection period), the tests every date
            assertThat(checks(get(app, "/api/quality?date=" + BASELINE_TO.minusDays(6))))
                    .contains("revenue_daily/anomaly(orders)", "funnel_daily/anomaly(sessions)");
            assertThat(checks(get(app, "/api/quality?date=" + BASELINE_TO.minusDays(7))))
                    .doesNotContain("revenue_daily/anomaly(orders)", "funnel_daily/anomaly(sessions)")
                    .contains("funnel_daily/range(cart_to_purchase,[0,1])");

            // a rate above 1: sessions with a purchase and no cart event
            Map<String, Object> funnelBefore = store.queryForMap("SELECT * FROM kpi_funnel_daily WHERE date = ?",
                    RATE_DAY);
            long extra = ((Number) funnelBefore.get("cart_sessions")).longValue()
                    - ((Number) funnelBefore.get("purchase_sessions")).longValue() + 5;
            for (int i = 1; i <= extra; i++) {
                warehouse.update("INSERT INTO events (id, user_id, sequence_number, session_id, created_at, event_type)"
                        + " VALUES (?, NULL, 1, ?, ?, 'purchase')", -i, "dq-" + i, RATE_DAY.atTime(12, 0));
            }
            JobExecution rate = jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(RATE_DAY, RATE_DAY, true));
            assertThat(rate.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(failure(rate)).contains("test range(cart_to_purchase,[0,1]) failed on 1 row of " + RATE_DAY)
                    .contains("previous results stay visible");
            assertThat(store.queryForMap("SELECT * FROM kpi_funnel_daily WHERE date = ?", RATE_DAY))
                    .isEqualTo(funnelBefore);
            assertThat(result(app, RATE_DAY, "funnel_daily", "range(cart_to_purchase,[0,1])").get("status")
                    .asString()).isEqualTo("error");
            warehouse.update("DELETE FROM events WHERE id < 0");

            // duplicate keys
            List<Map<String, Object>> bySourceBefore = store.queryForList(
                    "SELECT * FROM kpi_orders_by_source WHERE date = ? ORDER BY traffic_source", DUPLICATE_DAY);
            assertThat(warehouse.update("INSERT INTO orders SELECT -1, user_id, status, gender, created_at, returned_at,"
                    + " shipped_at, delivered_at, num_of_item FROM orders WHERE status = 'Complete'"
                    + " AND CAST(created_at AS DATE) = ? ORDER BY order_id LIMIT 1", DUPLICATE_DAY)).isEqualTo(1);
            JobExecution duplicate = jobs.run(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(DUPLICATE_DAY, DUPLICATE_DAY, true));
            assertThat(duplicate.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(failure(duplicate)).contains("test unique(date,traffic_source) failed on 1 row of "
                    + DUPLICATE_DAY);
            assertThat(store.queryForList("SELECT * FROM kpi_orders_by_source WHERE date = ? ORDER BY traffic_source",
                    DUPLICATE_DAY)).isEqualTo(bySourceBefore);
            warehouse.update("DELETE FROM orders WHERE order_id < 0");

            // a day whose completed orders drop by 90 %
            JobExecution before = jobs.run(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(DROP_DAY.minusDays(1), BASELINE_TO.plusDays(1), false));
            assertThat(before.getStatus()).as(failure(before)).isEqualTo(BatchStatus.COMPLETED);
            long complete = warehouse.queryForObject("SELECT COUNT(*) FROM orders WHERE status = 'Complete'"
                    + " AND CAST(created_at AS DATE) = ?", Long.class, DROP_DAY);
            warehouse.update("DELETE FROM orders WHERE status = 'Complete' AND CAST(created_at AS DATE) = ?"
                    + " AND order_id NOT IN (SELECT order_id FROM orders WHERE status = 'Complete'"
                    + " AND CAST(created_at AS DATE) = ? ORDER BY order_id LIMIT ?)", DROP_DAY, DROP_DAY, complete / 10);
            JobExecution drop = jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(DROP_DAY, DROP_DAY, false));
            assertThat(drop.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(failure(drop)).contains("orders of " + DROP_DAY + " is " + complete / 10 + " against a median of");
            JsonNode anomaly = result(app, DROP_DAY, "revenue_daily", "anomaly(orders)");
            assertThat(anomaly.get("status").asString()).isEqualTo("error");
            assertThat(anomaly.get("observed").asDouble()).isGreaterThan(5);
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date = ?", Integer.class,
                    DROP_DAY)).isZero();
            JsonNode sameDayBefore = result(app, DROP_DAY.minusDays(1), "revenue_daily", "anomaly(orders)");
            assertThat(sameDayBefore.get("observed").asDouble()).isLessThan(5);

            // the last day is missing: its rows are not there and the generator's load watermark is the day before
            // (through its last second, 23:59)
            warehouse.update("DELETE FROM orders WHERE created_at >= ?", TO.atStartOfDay());
            warehouse.update("DELETE FROM events WHERE created_at >= ?", TO.atStartOfDay());
            warehouse.update("UPDATE thelook_meta SET last_generated = ?", TO.minusDays(1));
            JobExecution stale = jobs.run(KpiJobConfiguration.JOB_NAME, new JobRequest(TO, TO, false));
            assertThat(stale.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(failure(stale)).startsWith("source `orders` has data only through " + TO.minusDays(1)
                    + " 23:59 UTC, not through the end of " + TO);
            assertThat(result(app, TO, "revenue_daily", "freshness(orders)").get("status").asString())
                    .isEqualTo("error");
            assertThat(io.execkpi.support.Ledger.kpisOn(store, TO)).isZero();

            String prometheus = text(app, "/actuator/prometheus");
            assertThat(prometheus).containsPattern("execkpi_quality_checks_total\\{[^}]*kind=\"freshness\"[^}]*"
                    + "status=\"error\"[^}]*} 1\\.0");
            HttpResponse<String> bad = send(app, "/api/quality?date=2025-02-30");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(bad.body()).contains("date");
        }
    }

    private static String failure(JobExecution execution) {
        return execution.getStepExecutions().stream().filter(s -> s.getStatus() == BatchStatus.FAILED)
                .map(StepExecution::getExitStatus).map(e -> io.execkpi.jobs.ExitMessages.forOperator(
                        e.getExitDescription())).findFirst().orElse("no failed step");
    }

    private static List<String> checks(JsonNode report) {
        return report.get("results").valueStream()
                .map(r -> r.get("kpi").asString() + "/" + r.get("check").asString()).toList();
    }

    private JsonNode result(ConfigurableApplicationContext app, LocalDate date, String kpi, String check)
            throws Exception {
        return get(app, "/api/quality?date=" + date).get("results").valueStream()
                .filter(r -> r.get("kpi").asString().equals(kpi) && r.get("check").asString().equals(check))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kpi + "/" + check + " on " + date));
    }

    private JsonNode get(ConfigurableApplicationContext app, String path) throws Exception {
        HttpResponse<String> response = send(app, path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private String text(ConfigurableApplicationContext app, String path) throws Exception {
        HttpResponse<String> response = send(app, path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> send(ConfigurableApplicationContext app, String path) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
