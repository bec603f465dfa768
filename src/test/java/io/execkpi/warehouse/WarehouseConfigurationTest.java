package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** {@code execkpi.warehouse.type} selects the warehouse; with BigQuery the embedded DuckDB pool never exists. */
class WarehouseConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({WarehouseProperties.class, BigQueryProperties.class, TheLookProperties.class})
    @Import({WarehouseConfiguration.class, EmbeddedWarehouse.class})
    static class Wiring {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Wiring.class);

    @Test
    void jdbcIsTheDefaultAndUsesTheDuckDbDialect() {
        assertThat(new WarehouseProperties("jdbc", "jdbc:duckdb:./data/warehouse.duckdb", "sa", "", null,
                "classpath:sql/", 5000, null, null).dialect()).isEqualTo("duckdb");
        runner.withPropertyValues("execkpi.warehouse.jdbc-url=jdbc:duckdb:memory:warehouse-config-test")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Warehouse.class)).isInstanceOf(JdbcWarehouse.class);
                    assertThat(context.getBean(Warehouse.class).dialect()).isEqualTo("duckdb");
                    assertThat(context.getBean(WarehouseConfiguration.WarehouseConnection.class).started()).isTrue();
                });
    }

    @Test
    void theDuckDbMemoryLimitIsSetOnTheWarehouse() {
        runner.withPropertyValues("execkpi.warehouse.jdbc-url=jdbc:duckdb:memory:warehouse-memory-test",
                        "execkpi.warehouse.memory-limit=256MB")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    javax.sql.DataSource pool = context.getBean(WarehouseConfiguration.WarehouseConnection.class)
                            .dataSource();
                    try (java.sql.Connection c = pool.getConnection();
                         java.sql.ResultSet rs = c.createStatement().executeQuery(
                                 "SELECT current_setting('memory_limit')")) {
                        rs.next();
                        // 256 MB = 256,000,000 bytes = 244.14 MiB, as DuckDB reports it
                        assertThat(rs.getString(1)).isEqualTo("244.1 MiB");
                    }
                });
        runner.withPropertyValues("execkpi.warehouse.jdbc-url=jdbc:duckdb:memory:warehouse-memory-test-2",
                        "execkpi.warehouse.memory-limit=lots")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageStartingWith("execkpi.warehouse.memory-limit: 'lots' is not a size"));
    }

    @Test
    void bigQueryIsSelectedByTypeWithItsDialectAndWithoutTheDuckDbPool() {
        runner.withPropertyValues("execkpi.warehouse.type=bigquery",
                        "execkpi.warehouse.bigquery.project=billing-project",
                        "execkpi.warehouse.bigquery.endpoint=http://127.0.0.1:9",
                        "execkpi.warehouse.bigquery.experiments-dataset=billing-project.ab",
                        "execkpi.warehouse.bigquery.labels.team=analytics",
                        "execkpi.warehouse.bigquery.maximum-bytes-billed=10000000000",
                        "execkpi.warehouse.bigquery.query-timeout=5m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Warehouse warehouse = context.getBean(Warehouse.class);
                    assertThat(warehouse).isInstanceOf(BigQueryWarehouse.class);
                    assertThat(warehouse.dialect()).isEqualTo("bigquery");
                    BigQueryProperties bigQuery = context.getBean(BigQueryProperties.class);
                    assertThat(bigQuery.sourceDataset()).isEqualTo("bigquery-public-data.thelook_ecommerce");
                    assertThat(bigQuery.experimentsDataset()).isEqualTo("billing-project.ab");
                    assertThat(bigQuery.labels()).containsEntry("team", "analytics");
                    assertThat(bigQuery.maximumBytesBilled()).isEqualTo(10_000_000_000L);
                    assertThat(((BigQueryWarehouse) warehouse).sql("revenue_daily"))
                            .contains("`bigquery-public-data.thelook_ecommerce.orders`");
                    // the embedded warehouse is neither generated nor even connected to
                    context.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(LocalDate.of(2024, 1, 1));
                    assertThat(context.getBean(WarehouseConfiguration.WarehouseConnection.class).started()).isFalse();
                });
    }

    @Test
    void theDuckDbDialectCannotRunOnBigQuery() {
        runner.withPropertyValues("execkpi.warehouse.type=bigquery", "execkpi.warehouse.dialect=duckdb",
                        "execkpi.warehouse.bigquery.project=p", "execkpi.warehouse.bigquery.endpoint=http://127.0.0.1:9")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("execkpi.warehouse.dialect=duckdb cannot run on BigQuery"));
    }

    @Test
    void anUnknownTypeOrADangerousDatasetFailsAtStartUp() {
        runner.withPropertyValues("execkpi.warehouse.type=snowflake")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("expected jdbc or bigquery"));
        runner.withPropertyValues("execkpi.warehouse.type=bigquery", "execkpi.warehouse.bigquery.project=p",
                        "execkpi.warehouse.bigquery.source-dataset=x.orders` WHERE 1=1 --")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("is not a dataset id"));
    }
}
