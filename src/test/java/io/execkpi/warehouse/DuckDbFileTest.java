package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Optional;

import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;

/** The DuckDB file behind a URL, and the replacement of an H2 warehouse left by an earlier version. */
class DuckDbFileTest {

    @Test
    void theFileOfAUrlIsItsPathWithoutOptionsAndInMemoryDatabasesHaveNone() {
        assertThat(DuckDbFile.path("jdbc:duckdb:./data/warehouse.duckdb")).contains(Path.of("./data/warehouse.duckdb"));
        assertThat(DuckDbFile.path("jdbc:duckdb:/var/w.duckdb;threads=2")).contains(Path.of("/var/w.duckdb"));
        assertThat(DuckDbFile.path("jdbc:duckdb:")).isEmpty();
        assertThat(DuckDbFile.path("jdbc:duckdb::memory:")).isEmpty();
        assertThat(DuckDbFile.path("jdbc:duckdb:memory:x")).isEmpty();
        assertThat(DuckDbFile.path("jdbc:h2:file:./data/warehouse")).isEmpty();
    }

    @Test
    void anH2WarehouseBesideANewDuckDbFileIsDeletedAndHandsOnItsStart() throws Exception {
        Path dir = TestData.newDataDir("legacy");
        // what an earlier version left: the H2 warehouse with its generator row, and the results store
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("warehouse"), "sa", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE thelook_meta (id INTEGER PRIMARY KEY, seed BIGINT, scale DOUBLE PRECISION,"
                    + " start_date DATE, last_generated DATE)");
            st.execute("INSERT INTO thelook_meta VALUES (1, 20240101, 0.1, DATE '2023-04-05', DATE '2026-01-01')");
        }
        Files.writeString(dir.resolve("store.mv.db"), "results and job history");
        Path duckDb = dir.resolve("warehouse.duckdb");

        assertThat(DuckDbFile.prepare(duckDb)).contains(LocalDate.of(2023, 4, 5));
        assertThat(dir.resolve("warehouse.mv.db")).doesNotExist();
        assertThat(dir.resolve("store.mv.db")).hasContent("results and job history");
        // once replaced, nothing more happens
        assertThat(DuckDbFile.prepare(duckDb)).isEmpty();
    }

    @Test
    void withoutAnH2WarehouseTheFolderIsCreatedAndNothingElseHappens() {
        Path dir = TestData.newDataDir("fresh").resolve("nested");
        assertThat(DuckDbFile.prepare(dir.resolve("warehouse.duckdb"))).isEqualTo(Optional.empty());
        assertThat(dir).isDirectory();
    }
}
