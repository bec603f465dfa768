package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.execkpi.ExecKpiApplication;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real public thelook exports ({@code ../shared/realdata}, outside the repository, never copied into it): imported
 * with the two commands the README shows ({@code import <dir>}, then {@code run kpiJob from=… to=…}), and the
 * results checked against numbers computed here by a separate in-memory DuckDB straight from the raw CSV text (all
 * columns read as text, days cut from the timestamp strings, duplicates removed with DISTINCT): not with the
 * importer or the KPI SQL. The export files are not named by table, so the test links them into a temporary folder
 * under the table names. Skipped, with a message, where the folder is absent.
 */
class RealExportTest {

    static final Path REALDATA = Path.of("..", "shared", "realdata").toAbsolutePath().normalize();

    static Path folder(String name) {
        Path dir = REALDATA.resolve(name);
        assumeTrue(Files.isDirectory(dir), "real data folder " + dir + " is absent: real-export test skipped");
        return dir;
    }

    /** A temporary export folder whose files are links named by table to the real files. */
    static Path linked(String name, Map<String, Path> tables) throws Exception {
        Path dir = TestData.newDataDir(name).resolve("export");
        Files.createDirectories(dir);
        for (Map.Entry<String, Path> e : tables.entrySet()) {
            Files.createSymbolicLink(dir.resolve(e.getKey() + ".csv"), e.getValue());
        }
        return dir;
    }

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int cli(String... args) throws Exception {
        Class<?> cli = Class.forName("io.execkpi.CommandLine");
        Method run = cli.getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        return (int) run.invoke(null, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void revathir90JoinableSubsetGivesTheRevenueComputedFromTheRawFiles() throws Exception {
        Path raw = folder("thelook-revathir90");
        Path export = linked("real-revathir90", Map.of(
                "users", raw.resolve("subset_users.csv"),
                "orders", raw.resolve("subset_orders.csv"),
                "order_items", raw.resolve("subset_order_items.csv"),
                "products", raw.resolve("subset_products.csv"),
                "distribution_centers", raw.resolve("Distribution_centers.csv")));
        Path data = export.getParent();

        assertThat(cli("import", export.toString(), "--execkpi.data-dir=" + data)).as(err.toString()).isZero();
        // distinct keys per the folder's README: 645 users, 495 orders, 507 items, 501 products, 10 centres
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("imported users: 645 rows",
                "imported orders: 495 rows", "imported order_items: 507 rows", "imported products: 501 rows",
                "imported distribution_centers: 10 rows", "no file for optional table events");
        // the range to materialize, from the raw file: first and last order day, and the day before the last
        String[] days = query("jdbc:duckdb:", "SELECT min(substr(created_at, 1, 10)) || ' ' || max(substr(created_at,"
                + " 1, 10)) FROM read_csv('" + raw.resolve("subset_orders.csv") + "', header = true, all_varchar = true)")
                .strip().split(" ");
        String lastComplete = java.time.LocalDate.parse(days[1]).minusDays(1).toString();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("orders and events cover " + days[0] + " .. "
                + days[1] + " (UTC); the last complete day is " + lastComplete,
                "materialize the KPIs with: run kpiJob from=" + days[0] + " to=" + lastComplete);

        assertThat(cli("run", "kpiJob", "from=2024-06-17", "to=2025-11-22", "--execkpi.data-dir=" + data))
                .as(err.toString()).isZero();

        String expected = query("jdbc:duckdb:", """
                WITH o AS (SELECT DISTINCT order_id, status, created_at
                           FROM read_csv('%s', header = true, all_varchar = true)),
                     i AS (SELECT DISTINCT id, order_id, sale_price
                           FROM read_csv('%s', header = true, all_varchar = true))
                SELECT substr(o.created_at, 1, 10) AS d, count(DISTINCT o.order_id), count(i.id),
                       coalesce(round(sum(CAST(i.sale_price AS DECIMAL(18, 4))), 2), 0)
                FROM o LEFT JOIN i ON i.order_id = o.order_id
                WHERE o.status = 'Complete'
                GROUP BY d ORDER BY d""".formatted(raw.resolve("subset_orders.csv"),
                raw.resolve("subset_order_items.csv")));
        assertThat(expected.lines()).hasSizeGreaterThan(30);
        String actual = query("jdbc:h2:file:" + data.resolve("store") + ";USER=sa;PASSWORD=",
                "SELECT \"DATE\", orders, items, CAST(revenue AS DECIMAL(18, 2)) FROM kpi_revenue_daily "
                        + "WHERE orders > 0 ORDER BY 1");
        assertThat(actual).isEqualTo(expected);

        // no events file: funnel and retention are unavailable (said by the job and the catalog), not zeros
        String store = "jdbc:h2:file:" + data.resolve("store") + ";USER=sa;PASSWORD=";
        String unavailable = "unavailable: the imported export has no events file";
        assertThat(query(store, "SELECT count(*) FROM kpi_funnel_daily")).isEqualTo("0\n");
        assertThat(query(store, "SELECT count(*) FROM kpi_retention_weekly")).isEqualTo("0\n");
        assertThat(query(store, "SELECT count(*) FROM kpi_ab_metrics")).isEqualTo("0\n");
        assertThat(query(store, "SELECT exit_message FROM batch_job_execution"))
                .contains("funnel_daily " + unavailable, "retention_weekly " + unavailable);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class).run(
                "--server.port=0", "--execkpi.data-dir=" + data, "--execkpi.bootstrap.enabled=false",
                "--execkpi.schedule.nightly=-")) {
            String port = app.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/kpis")).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> byKpi = new java.util.TreeMap<>();
            for (JsonNode kpi : JsonMapper.builder().build().readTree(response.body())) {
                byKpi.put(kpi.get("name").asString(), kpi.get("unavailable").isNull() ? null
                        : kpi.get("unavailable").asString());
            }
            assertThat(byKpi.get("revenue_daily")).isNull();
            assertThat(byKpi.get("funnel_daily")).startsWith("funnel_daily " + unavailable);
            assertThat(byKpi.get("retention_weekly")).startsWith("retention_weekly " + unavailable);
            assertThat(byKpi.get("ab_metrics")).startsWith("ab_metrics unavailable: the imported export has no "
                    + "experiments, experiment_variants, assignments file");
        }
    }

    @Test
    void faridzafarOrdersWithZeroToSixFractionalDigitsParseAsTheRawTextSays() throws Exception {
        Path raw = folder("thelook-faridzafar");
        Path export = linked("real-faridzafar", Map.of(
                "orders", raw.resolve("bq-results-orders.csv"),
                "products", raw.resolve("bq-results-products.csv"),
                "distribution_centers", raw.resolve("bq-results-distribution-centers.csv")));
        // this export has no users or order_items file: empty ones (header only) let the orders be imported
        Files.writeString(export.resolve("users.csv"), "id,first_name,last_name,email,age,gender,state,"
                + "street_address,postal_code,city,country,latitude,longitude,traffic_source,created_at,user_geom\n");
        Files.writeString(export.resolve("order_items.csv"), "id,order_id,user_id,product_id,inventory_item_id,"
                + "status,created_at,shipped_at,delivered_at,returned_at,sale_price\n");
        Path data = export.getParent();

        assertThat(cli("import", export.toString(), "--execkpi.data-dir=" + data)).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("imported orders: 124092 rows",
                "imported products: 29120 rows");

        String expected = query("jdbc:duckdb:", """
                SELECT status, count(*), min(created_at), max(created_at), count(shipped_at), count(returned_at)
                FROM read_csv('%s', header = true, all_varchar = true)
                GROUP BY status ORDER BY status""".formatted(raw.resolve("bq-results-orders.csv")));
        // the raw strings, normalized the way a timestamp prints: " UTC" dropped, trailing fraction zeros dropped
        String actual = query("jdbc:duckdb:" + data.resolve("warehouse.duckdb"), """
                SELECT status, count(*), strftime(min(created_at), '%Y-%m-%d %H:%M:%S.%f UTC'),
                       strftime(max(created_at), '%Y-%m-%d %H:%M:%S.%f UTC'), count(shipped_at), count(returned_at)
                FROM orders GROUP BY status ORDER BY status""");
        assertThat(normalize(actual)).isEqualTo(normalize(expected));
        assertThat(actual).contains("2025-01-25 19:35:58.912969 UTC");
    }

    /** Timestamps as text with their fraction cut to what is not a trailing zero. */
    static String normalize(String rows) {
        return rows.replaceAll("(\\d\\d:\\d\\d:\\d\\d)(\\.\\d*?)0* UTC", "$1$2 UTC").replace(". UTC", " UTC");
    }

    static String query(String url, String sql) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }
}
