package io.execkpi.warehouse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * The warehouse has its own connection pool, deliberately not a {@code DataSource} bean: the application's
 * DataSource is the results store / job repository, and the warehouse is a separate, read-mostly source.
 */
@Configuration(proxyBeanMethods = false)
public class WarehouseConfiguration {

    @Bean(destroyMethod = "close")
    WarehouseConnection warehouseConnection(WarehouseProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(properties.jdbcUrl());
        config.setUsername(properties.username());
        config.setPassword(properties.password());
        config.setPoolName("warehouse");
        config.setMaximumPoolSize(4);
        return new WarehouseConnection(new HikariDataSource(config));
    }

    @Bean
    SqlFiles sqlFiles(WarehouseProperties properties, ResourceLoader resourceLoader) {
        return new SqlFiles(resourceLoader, properties.sqlLocation(), properties.dialect());
    }

    @Bean
    Warehouse warehouse(WarehouseConnection connection, SqlFiles sqlFiles, WarehouseProperties properties) {
        if (!"jdbc".equals(properties.type())) {
            throw new IllegalStateException("Unsupported execkpi.warehouse.type '" + properties.type()
                    + "': supported is 'jdbc'");
        }
        return new JdbcWarehouse(connection.dataSource(), sqlFiles, properties.fetchSize());
    }

    /** Owns the warehouse pool so that it is closed with the application context. */
    public record WarehouseConnection(HikariDataSource dataSource) implements AutoCloseable {
        @Override
        public void close() {
            dataSource.close();
        }
    }
}
