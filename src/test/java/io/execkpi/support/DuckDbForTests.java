package io.execkpi.support;

import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

import org.duckdb.DuckDBDriver;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * In-memory DuckDB warehouses for tests. Each call names a new database; connections of one data source share it,
 * and it is pinned ({@code jdbc_pin_db}) so that it survives while no connection is open, until {@link #release}.
 */
public final class DuckDbForTests {

    private DuckDbForTests() {
    }

    /** A new, empty, pinned in-memory DuckDB database; every connection of the returned data source opens it. */
    public static DriverManagerDataSource newMemoryDatabase(String name) {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:duckdb:memory:" + name + "_"
                + UUID.randomUUID().toString().replace("-", ""));
        Properties properties = new Properties();
        properties.setProperty(DuckDBDriver.JDBC_PIN_DB, "true");
        ds.setConnectionProperties(properties);
        return ds;
    }

    /** Drops a database made by {@link #newMemoryDatabase} (its memory is freed once no connection is open). */
    public static void release(DriverManagerDataSource ds) throws SQLException {
        DuckDBDriver.releaseDB(ds.getUrl());
    }
}
