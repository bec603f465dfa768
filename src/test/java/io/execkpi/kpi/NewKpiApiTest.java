package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.support.CatalogFiles;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One more KPI, {@code orders_by_source}, added through files only (a catalog entry and a SQL file, no Java, no
 * migration): its results table is created from the catalog at start-up, kpiJob materializes it and the read API
 * serves it. A second start with a new value column in the catalog adds that column to the table; a rerun fills it.
 * Expected numbers are computed here in Java from the warehouse's raw rows, not with the KPI's SQL. Runs on H2 and,
 * in the postgres-store profile, on PostgreSQL.
 */
class NewKpiApiTest {

    static final LocalDate FROM = LocalDate.of(2025, 2, 1);
    static final LocalDate TO = LocalDate.of(2025, 2, 28);

    static final String ENTRY_V1 = """

              - name: orders_by_source
                description: Completed orders per day and users.traffic_source with their revenue.
                sql: orders_by_source
                grain: daily
                partition: date
                keys:
                  - {name: date, type: date, description: "Day the order was created (UTC)"}
                  - {name: traffic_source, type: text, description: "users.traffic_source of the ordering user"}
                values:
                  - {name: orders, type: integer, description: "Distinct completed orders"}
                  - {name: revenue, type: decimal, description: "Sum of their items' sale_price, rounded to cents"}
            """;
    static final String ENTRY_V2 = ENTRY_V1 + """
                  - {name: items, type: integer, description: "Order items of those orders"}
            """;

    static final String SQL_V1 = """
            -- orders_by_source: completed orders per day in [:from, :to] and users.traffic_source (no zero rows)
            WITH per_order AS (
                SELECT CAST(o.created_at AS DATE) AS d, u.traffic_source AS source, o.order_id,
                       COUNT(oi.id) AS items, COALESCE(SUM(oi.sale_price), 0) AS revenue
                FROM orders o
                JOIN users u ON u.id = o.user_id
                LEFT JOIN order_items oi ON oi.order_id = o.order_id
                WHERE o.status = 'Complete'
                  AND o.created_at >= CAST(:from AS TIMESTAMP)
                  AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
                GROUP BY CAST(o.created_at AS DATE), u.traffic_source, o.order_id
            )
            SELECT d AS date, source AS traffic_source, COUNT(*) AS orders, ROUND(SUM(revenue), 2) AS revenue%s
            FROM per_order
            GROUP BY d, source
            ORDER BY d, source
            """;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aKpiAddedAsFilesIsMaterializedAndServedAndANewColumnReachesItsTable() throws Exception {
        Path dir = TestData.newDataDir("new-kpi");
        String catalog = Files.readString(Path.of("jobs/kpis.yml"));
        Path files = CatalogFiles.write(dir, catalog + ENTRY_V1);
        Files.writeString(files.resolve("sql/duckdb/orders_by_source.sql"), SQL_V1.formatted(""));

        Map<String, long[]> expected;
        try (ConfigurableApplicationContext app = start(dir, files)) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(TO);
            // (the shipped KPIs' tables may be brought up to the catalog too: ab_metrics gained columns since V2)
            assertThat(app.getBean(KpiResultTables.class).changes()).filteredOn(c -> c.contains("orders_by_source"))
                    .containsExactly("CREATE TABLE IF NOT EXISTS kpi_orders_by_source (date DATE NOT NULL,"
                            + " traffic_source VARCHAR(255) NOT NULL, orders BIGINT, revenue DOUBLE PRECISION,"
                            + " PRIMARY KEY (date, traffic_source))");
            expected = expected(new JdbcTemplate(app.getBean(WarehouseConfiguration.WarehouseConnection.class)
                    .dataSource()));
            assertThat(expected).hasSizeGreaterThan(40); // (day, source) groups of the generated window
            // the catalog is cached until a job ends: before the run the new KPI has no latest date
            JsonNode before = null;
            for (JsonNode k : get(app, "/api/kpis")) {
                if (k.get("name").asString().equals("orders_by_source")) {
                    before = k;
                }
            }
            assertThat(before).isNotNull();
            assertThat(before.get("latestDate").isNull()).isTrue();
            run(app, false);

            JsonNode kpis = get(app, "/api/kpis");
            JsonNode entry = null;
            for (JsonNode k : kpis) {
                if (k.get("name").asString().equals("orders_by_source")) {
                    entry = k;
                }
            }
            // every shipped KPI, the breakdown table of each KPI with a breakdown, and the added one
            assertThat(kpis).hasSize(catalog.split("\n  - name: ", -1).length
                    + catalog.split("\n    breakdown:\n", -1).length - 1);
            assertThat(entry).isNotNull();
            assertThat(entry.get("latestDate").asString()).isEqualTo(TO.toString());

            JsonNode rows = get(app, "/api/kpis/orders_by_source?from=" + FROM + "&to=" + TO).get("rows");
            assertThat(rows).hasSize(expected.size());
            for (JsonNode row : rows) {
                long[] e = expected.get(row.get("date").asString() + "/" + row.get("traffic_source").asString());
                assertThat(e).as("row %s", row).isNotNull();
                assertThat(row.get("orders").asLong()).as("orders of %s", row).isEqualTo(e[0]);
                assertThat(row.get("revenue").asDouble()).as("revenue of %s", row).isEqualTo(e[1] / 100.0);
                assertThat(row.has("items")).isFalse();
            }

            // its dashboard page comes from the catalog alone: one chart per value column, the rows as a table
            String port = app.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/kpis/orders_by_source?from=" + FROM + "&to=" + TO)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"chart-orders\"", "id=\"chart-revenue\"",
                    "Completed orders per day and users.traffic_source");
            String table = page.body().substring(page.body().indexOf("id=\"kpi-rows\""));
            table = table.substring(0, table.indexOf("</table>"));
            assertThat(table.split("<tr>", -1).length - 1)
                    .as("rows of the page's table: a header and one per API row").isEqualTo(rows.size() + 1);
        }

        // the catalog gains a value column: the next start adds it to the table, a rerun fills it
        Files.writeString(files.resolve("kpis.yml"), catalog + ENTRY_V2);
        Files.writeString(files.resolve("sql/duckdb/orders_by_source.sql"), SQL_V1.formatted(", SUM(items) AS items"));
        try (ConfigurableApplicationContext app = start(dir, files)) {
            assertThat(app.getBean(KpiResultTables.class).changes())
                    .containsExactly("ALTER TABLE kpi_orders_by_source ADD COLUMN IF NOT EXISTS items BIGINT");
            JsonNode before = get(app, "/api/kpis/orders_by_source?from=" + FROM + "&to=" + TO).get("rows");
            assertThat(before).hasSize(expected.size()).allMatch(row -> row.get("items").isNull());

            run(app, true);
            JsonNode rows = get(app, "/api/kpis/orders_by_source?from=" + FROM + "&to=" + TO).get("rows");
            assertThat(rows).hasSize(expected.size());
            for (JsonNode row : rows) {
                long[] e = expected.get(row.get("date").asString() + "/" + row.get("traffic_source").asString());
                assertThat(row.get("orders").asLong()).isEqualTo(e[0]);
                assertThat(row.get("items").asLong()).as("items of %s", row).isEqualTo(e[2]);
            }
        }
    }

    static ConfigurableApplicationContext start(Path dir, Path files) {
        return CatalogFiles.start(dir, files, "2024-06-01", "0.2");
    }

    static void run(ConfigurableApplicationContext app, boolean rerun) throws Exception {
        assertThat(app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, new JobRequest(TO, FROM, rerun))
                .getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    JsonNode get(ConfigurableApplicationContext app, String path) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /**
     * "date/source" → {completed orders, revenue in cents, items}, aggregated in Java from the raw rows of orders,
     * users and order_items.
     */
    static Map<String, long[]> expected(JdbcTemplate warehouse) {
        Map<Long, String> sourceOfUser = new HashMap<>();
        warehouse.query("SELECT id, traffic_source FROM users",
                rs -> { sourceOfUser.put(rs.getLong(1), rs.getString(2)); });
        Map<Long, String> keyOfOrder = new HashMap<>();
        warehouse.query("SELECT order_id, user_id, status, created_at FROM orders", rs -> {
            LocalDate day = rs.getObject(4, LocalDateTime.class).toLocalDate();
            if (rs.getString(3).equals("Complete") && !day.isBefore(FROM) && !day.isAfter(TO)) {
                keyOfOrder.put(rs.getLong(1), day + "/" + sourceOfUser.get(rs.getLong(2)));
            }
        });
        Map<String, long[]> out = new TreeMap<>();
        Map<String, BigDecimal> revenue = new HashMap<>();
        keyOfOrder.values().forEach(k -> out.computeIfAbsent(k, x -> new long[3])[0]++);
        warehouse.query("SELECT order_id, sale_price FROM order_items", rs -> {
            String key = keyOfOrder.get(rs.getLong(1));
            if (key != null) {
                out.get(key)[2]++;
                revenue.merge(key, BigDecimal.valueOf(rs.getDouble(2)), BigDecimal::add);
            }
        });
        revenue.forEach((k, r) -> out.get(k)[1] = r.setScale(2, RoundingMode.HALF_UP).movePointRight(2).longValue());
        return out;
    }
}
