package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import io.execkpi.support.DuckDbForTests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link WarehouseImporter} on small export folders this test writes: what a good export loads, and that every bad
 * file fails with its file, line and column while the warehouse keeps the previous import.
 */
class WarehouseImporterTest {

    static final String DC = "id,name,latitude,longitude,distribution_center_geom\n1,Memphis TN,35.1,-89.9,POINT(-89.9 35.1)\n";
    static final String PRODUCTS = "id,cost,category,name,brand,retail_price,department,sku,distribution_center_id\n"
            + "7,10.5,Jeans,Blue jeans,Acme,25.0,Men,SKU7,1\n";
    static final String USERS = "id,first_name,last_name,email,age,gender,state,street_address,postal_code,city,"
            + "country,latitude,longitude,traffic_source,created_at,user_geom\n"
            + "100,Ann,Lee,a@example.org,30,F,Acre,1 Road,69980-000,Rio,Brasil,-8.0,-72.8,Search,"
            + "2025-01-02 03:04:05 UTC,POINT(-72.8 -8.0)\n"
            + "101,Bob,Ray,b@example.org,40,M,Acre,2 Road,69980-000,Rio,Brasil,-8.0,-72.8,Email,"
            + "2025-01-03 00:00:00.5 UTC,\n";
    static final String ORDERS = "order_id,user_id,status,gender,created_at,returned_at,shipped_at,delivered_at,num_of_item\n"
            + "1,100,Complete,F,2025-01-25 19:35:58.912969 UTC,,2025-01-26 10:00:00 UTC,2025-01-28 10:00:00.12 UTC,2\n"
            + "1,100,Complete,F,2025-01-25 19:35:58.912969 UTC,,2025-01-26 10:00:00 UTC,2025-01-28 10:00:00.12 UTC,2\n"
            + "2,101,Cancelled,M,2025-01-26 08:00:00 UTC,,,,1\n";
    static final String ITEMS = "id,order_id,user_id,product_id,inventory_item_id,status,created_at,shipped_at,"
            + "delivered_at,returned_at,sale_price\n"
            + "10,1,100,7,500,Complete,2025-01-25 19:35:58 UTC,,,,12.5\n"
            + "11,1,100,7,501,Complete,2025-01-25 19:35:58 UTC,,,,7.25\n"
            + "12,99,100,7,502,Complete,2025-01-25 19:35:58 UTC,,,,1.00\n";

    @TempDir
    Path tmp;

    final DriverManagerDataSource warehouse = DuckDbForTests.newMemoryDatabase("import");

    @AfterEach
    void release() throws SQLException {
        DuckDbForTests.release(warehouse);
    }

    Path export(String name, String orders) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("distribution_centers.csv"), DC);
        Files.writeString(dir.resolve("products.csv"), PRODUCTS);
        Files.writeString(dir.resolve("users.csv"), USERS);
        Files.writeString(dir.resolve("orders.csv"), orders);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("order_items.csv.gz")))) {
            out.write(ITEMS.getBytes(StandardCharsets.UTF_8));
        }
        return dir;
    }

    List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = warehouse.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }

    @Test
    void aGoodExportLoadsExactlyItsRowsAndAReimportGivesTheSameRows() throws Exception {
        Path dir = export("good", ORDERS);
        // events as a folder of two newline-delimited JSON shards
        Path events = Files.createDirectories(dir.resolve("events"));
        Files.writeString(events.resolve("events-000000000000.json"), "{\"id\": 1, \"user_id\": 100, "
                + "\"sequence_number\": 1, \"session_id\": \"s1\", \"created_at\": \"2025-01-25 19:30:00.1 UTC\", "
                + "\"event_type\": \"home\"}\n");
        Files.writeString(events.resolve("events-000000000001.json"), "{\"id\": 2, \"user_id\": null, "
                + "\"sequence_number\": 1, \"session_id\": \"s2\", \"created_at\": \"2025-01-25 20:00:00 UTC\", "
                + "\"event_type\": \"cancel\"}\n");

        WarehouseImporter.Summary summary = WarehouseImporter.importFrom(warehouse, dir);

        assertThat(summary.rows()).containsEntry("orders", 2L).containsEntry("order_items", 3L)
                .containsEntry("users", 2L).containsEntry("events", 2L).doesNotContainKey("inventory_items");
        assertThat(summary.missingOptional())
                .containsExactly("inventory_items", "experiments", "experiment_variants", "assignments");
        assertThat(summary.duplicateRowsRemoved()).isEqualTo(1);
        assertThat(summary.warnings()).containsExactly("orders: 1 exact duplicate row(s) removed",
                "order_items: 1 row(s) have an order_id that is not in orders");
        assertThat(rows("SELECT order_id, created_at, shipped_at, delivered_at, returned_at FROM orders ORDER BY 1"))
                .containsExactly("1|2025-01-25 19:35:58.912969|2025-01-26 10:00:00.0|2025-01-28 10:00:00.12|null",
                        "2|2025-01-26 08:00:00.0|null|null|null");
        assertThat(rows("SELECT id, created_at FROM users ORDER BY 1"))
                .containsExactly("100|2025-01-02 03:04:05.0", "101|2025-01-03 00:00:00.5");
        assertThat(rows("SELECT id, user_id, created_at FROM events ORDER BY 1"))
                .containsExactly("1|100|2025-01-25 19:30:00.1", "2|null|2025-01-25 20:00:00.0");
        assertThat(rows("SELECT sum(sale_price) FROM order_items")).containsExactly("20.75");
        try (Connection c = warehouse.getConnection()) {
            assertThat(WarehouseImporter.importedTables(c)).hasValueSatisfying(t -> assertThat(t)
                    .containsExactlyInAnyOrder("distribution_centers", "products", "users", "orders", "order_items",
                            "events"));
        }

        List<String> before = rows("SELECT * FROM orders ORDER BY order_id");
        WarehouseImporter.importFrom(warehouse, dir);
        assertThat(rows("SELECT * FROM orders ORDER BY order_id")).isEqualTo(before);
        assertThat(rows("SELECT count(*) FROM order_items")).containsExactly("3");
    }

    @Test
    void newerFilesReplaceTheTablesAndDroppedOptionalTablesAreEmptyAfterwards() throws Exception {
        Path first = export("first", ORDERS);
        Files.writeString(first.resolve("events.jsonl"), "{\"id\": 1, \"user_id\": 100, \"sequence_number\": 1, "
                + "\"session_id\": \"s1\", \"created_at\": \"2025-01-25 19:30:00 UTC\", \"event_type\": \"home\"}\n");
        WarehouseImporter.importFrom(warehouse, first);
        Path second = export("second", ORDERS + "3,101,Shipped,M,2025-01-27 08:00:00 UTC,,,,1\n");
        WarehouseImporter.Summary summary = WarehouseImporter.importFrom(warehouse, second);
        assertThat(summary.missingOptional()).contains("events");
        assertThat(rows("SELECT order_id FROM orders ORDER BY 1")).containsExactly("1", "2", "3");
        assertThat(rows("SELECT count(*) FROM events")).containsExactly("0");
        try (Connection c = warehouse.getConnection()) {
            assertThat(WarehouseImporter.importedTables(c).orElseThrow()).doesNotContain("events");
        }
    }

    @Test
    void parquetFilesAreReadByColumnName() throws Exception {
        Path dir = export("parquet", ORDERS);
        // the fixture writer is DuckDB's COPY; every column is text in the file, typed by the import
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT * FROM read_csv('" + dir.resolve("orders.csv") + "', header = true, "
                    + "all_varchar = true)) TO '" + dir.resolve("orders.parquet") + "' (FORMAT parquet)");
        }
        Files.delete(dir.resolve("orders.csv"));
        WarehouseImporter.importFrom(warehouse, dir);
        assertThat(rows("SELECT order_id, status, created_at, num_of_item FROM orders ORDER BY 1"))
                .containsExactly("1|Complete|2025-01-25 19:35:58.912969|2", "2|Cancelled|2025-01-26 08:00:00.0|1");
    }

    @Test
    void theImportDirIsImportedAgainOnlyWhenItsFilesChange() throws Exception {
        Path dir = export("import-dir", ORDERS);
        Path data = Files.createDirectories(tmp.resolve("data"));
        WarehouseProperties properties = new WarehouseProperties("jdbc", "jdbc:duckdb:" + data.resolve("w.duckdb"),
                "sa", "", null, "classpath:sql/", 5000, dir, null);
        try (WarehouseConfiguration.WarehouseConnection connection =
                     new WarehouseConfiguration.WarehouseConnection(properties)) {
            EmbeddedWarehouse embedded = new EmbeddedWarehouse(connection, properties,
                    new TheLookProperties(true, 0.1, 1, null));
            embedded.ensureGeneratedThrough(java.time.LocalDate.of(2025, 2, 1));
            org.springframework.jdbc.core.JdbcTemplate jdbc =
                    new org.springframework.jdbc.core.JdbcTemplate(connection.dataSource());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(2);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM events", Long.class)).isZero();

            jdbc.update("DELETE FROM orders WHERE order_id = 2");
            embedded.ensureGeneratedThrough(java.time.LocalDate.of(2025, 2, 2));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).as("files unchanged").isEqualTo(1);

            Files.writeString(dir.resolve("orders.csv"), ORDERS + "3,101,Shipped,M,2025-01-27 08:00:00 UTC,,,,1\n");
            embedded.ensureGeneratedThrough(java.time.LocalDate.of(2025, 2, 3));
            assertThat(jdbc.queryForList("SELECT order_id FROM orders ORDER BY 1", Long.class))
                    .containsExactly(1L, 2L, 3L);
        }
    }

    /** Imports a good export, then {@code bad}, which must fail with {@code message}; the good rows stay. */
    void failsAndKeepsThePreviousImport(Path bad, String... messageParts) throws Exception {
        WarehouseImporter.importFrom(warehouse, export("previous", ORDERS));
        List<String> before = rows("SELECT * FROM orders ORDER BY order_id");
        assertThatThrownBy(() -> WarehouseImporter.importFrom(warehouse, bad))
                .isInstanceOf(WarehouseImportException.class)
                .message().contains(messageParts).doesNotContain("\n");
        assertThat(rows("SELECT * FROM orders ORDER BY order_id")).isEqualTo(before);
        assertThat(rows("SELECT count(*) FROM users")).containsExactly("2");
    }

    @Test
    void aWrongHeaderNamesFileLineAndColumn() throws Exception {
        Path bad = export("bad-header", ORDERS.replace("num_of_item", "items"));
        failsAndKeepsThePreviousImport(bad, bad.resolve("orders.csv") + " line 1, column 9: header 'items' is not "
                + "a column of orders");
        Path missing = export("missing-column", ORDERS.replace(",num_of_item", "").replace(",2\n", "\n")
                .replace(",1\n", "\n"));
        assertThatThrownBy(() -> WarehouseImporter.importFrom(warehouse, missing))
                .hasMessage(missing.resolve("orders.csv") + " line 1: header lacks column 'num_of_item' of orders "
                        + "(found order_id, user_id, status, gender, created_at, returned_at, shipped_at, "
                        + "delivered_at)");
    }

    @Test
    void anUnparseableTimestampNamesFileLineAndColumn() throws Exception {
        Path bad = export("bad-timestamp", ORDERS + "3,101,Shipped,M,27/01/2025 08:00,,,,1\n");
        failsAndKeepsThePreviousImport(bad, bad.resolve("orders.csv") + " line 5, column created_at: CAST error");
    }

    @Test
    void duplicatePrimaryKeysWithDifferentValuesNameBothLines() throws Exception {
        Path bad = export("bad-key", ORDERS + "2,101,Complete,M,2025-01-26 08:00:00 UTC,,,,1\n");
        failsAndKeepsThePreviousImport(bad, bad.resolve("orders.csv") + " line 5, column order_id: duplicate primary "
                + "key of orders, already on " + bad.resolve("orders.csv") + " line 4 with other values");
    }

    @Test
    void anEmptyRequiredValueNamesFileLineAndColumn() throws Exception {
        Path bad = export("bad-null", ORDERS + "3,,Shipped,M,2025-01-27 08:00:00 UTC,,,,1\n");
        failsAndKeepsThePreviousImport(bad, bad.resolve("orders.csv") + " line 5, column user_id: empty, but "
                + "orders.user_id is required");
    }

    @Test
    void aMissingRequiredTableOrFolderIsAnError() throws Exception {
        Path bad = export("no-users", ORDERS);
        Files.delete(bad.resolve("users.csv"));
        failsAndKeepsThePreviousImport(bad, "no file for required table users in " + bad);
        assertThatThrownBy(() -> WarehouseImporter.importFrom(warehouse, tmp.resolve("nowhere")))
                .isInstanceOf(WarehouseImportException.class).hasMessageContaining("does not exist");
    }
}
