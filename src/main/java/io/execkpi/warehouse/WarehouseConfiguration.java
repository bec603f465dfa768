package io.execkpi.warehouse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds the {@link Warehouse} that {@code execkpi.warehouse.type} selects: {@code jdbc} (default: the embedded H2
 * thelook warehouse) or {@code bigquery}. The JDBC warehouse has its own connection pool, deliberately not a
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
     */
    public static final class WarehouseConnection implements AutoCloseable {

        private final WarehouseProperties properties;
        private HikariDataSource dataSource;
        private boolean closed;

        WarehouseConnection(WarehouseProperties properties) {
            this.properties = properties;
        }

        public synchronized HikariDataSource dataSource() {
            if (closed) {
                throw new IllegalStateException("The warehouse connection pool is closed");
            }
            if (dataSource == null) {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(properties.jdbcUrl());
                config.setUsername(properties.username());
                config.setPassword(properties.password());
                config.setPoolName("warehouse");
                config.setMaximumPoolSize(4);
                dataSource = new HikariDataSource(config);
            }
            return dataSource;
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
