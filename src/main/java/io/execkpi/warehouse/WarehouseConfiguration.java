package io.execkpi.warehouse;

import java.time.LocalDate;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds the {@link Warehouse} that {@code execkpi.warehouse.type} selects: {@code jdbc} (default: the embedded
 * DuckDB thelook warehouse) or {@code bigquery}. The JDBC warehouse has its own connection pool, deliberately not a
 * {@code DataSource} bean: the application's DataSource is the results store / job repository, and the warehouse is
 * a separate, read-mostly source. That pool is created on first use only, so with BigQuery it never exists.
 */
@Configuration(proxyBeanMethods = false)
public class WarehouseConfiguration {

    @Bean(destroyMethod = "close")
    WarehouseConnection warehouseConnection(WarehouseProperties properties) {
        return new WarehouseConnection(properties);
    }

    @Bean
    SqlFiles sqlFiles(WarehouseProperties properties, ResourceLoader resourceLoader) {
        return new SqlFiles(resourceLoader, properties.sqlLocation(), properties.dialect());
    }

    @Bean
    Warehouse warehouse(WarehouseProperties properties, SqlFiles sqlFiles, WarehouseConnection connection,
                        ObjectProvider<BigQueryProperties> bigQueryProperties, Environment environment) {
        return switch (properties.type()) {
            case WarehouseProperties.JDBC -> new JdbcWarehouse(connection.dataSource(), sqlFiles,
                    properties.fetchSize());
            case WarehouseProperties.BIGQUERY -> BigQueryWarehouse.create(
                    bigQueryProperties.getIfAvailable(BigQueryProperties::defaults), sqlFiles,
                    environment.getProperty(BigQueryCredentials.ENV));
            default -> throw new IllegalStateException("Unsupported execkpi.warehouse.type '" + properties.type()
                    + "': supported are 'jdbc' and 'bigquery'");
        };
    }

    /**
     * Owns the JDBC warehouse pool so that it is closed with the application context. The pool is created on the
     * first call of {@link #dataSource()}: never for a BigQuery warehouse.
     *
     * <p>For DuckDB, every pooled connection opens the same database instance (the driver shares one instance per
     * file within the process, and DuckDB's MVCC lets the generator write while queries read); results stream
     * ({@code jdbc_stream_results}) instead of being materialized in memory. Before the first connection, an H2
     * warehouse left by an earlier version is replaced (see {@link DuckDbFile#prepare}).
     */
    public static final class WarehouseConnection implements AutoCloseable {

        private final WarehouseProperties properties;
        private HikariDataSource dataSource;
        private Optional<LocalDate> inheritedStart = Optional.empty();
        private boolean closed;

        WarehouseConnection(WarehouseProperties properties) {
            this.properties = properties;
        }

        /**
         * The warehouse pool, created on first call.
         *
         * @throws IllegalStateException after {@link #close()}
         */
        public synchronized HikariDataSource dataSource() {
            if (closed) {
                throw new IllegalStateException("The warehouse connection pool is closed");
            }
            if (dataSource == null) {
                HikariConfig config = new HikariConfig();
                if (properties.duckDb()) {
                    DuckDbFile.path(properties.jdbcUrl()).ifPresent(file -> inheritedStart = DuckDbFile.prepare(file));
                    config.addDataSourceProperty("jdbc_stream_results", "true");
                    if (properties.memoryLimit() != null && !properties.memoryLimit().isBlank()) {
                        // a global setting of the shared database instance, (re)applied by every new pool connection
                        config.setConnectionInitSql("SET memory_limit = '" + properties.memoryLimit().strip() + "'");
                    }
                }
                config.setJdbcUrl(properties.jdbcUrl());
                config.setUsername(properties.username());
                config.setPassword(properties.password());
                config.setPoolName("warehouse");
                config.setMaximumPoolSize(4);
                dataSource = new HikariDataSource(config);
            }
            return dataSource;
        }

        /**
         * The generator start recorded by an H2 warehouse of an earlier version that {@link #dataSource()} replaced
         * while the DuckDB file did not exist yet; empty otherwise.
         */
        public synchronized Optional<LocalDate> inheritedStart() {
            return inheritedStart;
        }

        /** Whether the pool exists (it is created on first use). */
        public synchronized boolean started() {
            return dataSource != null;
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (dataSource != null) {
                dataSource.close();
            }
        }
    }
}
