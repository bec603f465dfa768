package io.execkpi.warehouse;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the warehouse lives and which SQL dialect its queries are written in.
 *
 * @param type     {@code jdbc} (embedded H2 or any JDBC database)
 * @param jdbcUrl  JDBC URL of the warehouse (default: the embedded H2 file)
 * @param username JDBC user
 * @param password JDBC password (from the environment in production)
 * @param dialect  folder under {@code sqlLocation} holding the queries for this warehouse
 * @param sqlLocation Spring resource location of the SQL folder (default: the repository's {@code sql/}, packaged in the jar)
 * @param fetchSize rows fetched per round trip when streaming results
 */
@ConfigurationProperties("execkpi.warehouse")
public record WarehouseProperties(
        @DefaultValue("jdbc") String type,
        @DefaultValue("jdbc:h2:file:./data/warehouse") String jdbcUrl,
        @DefaultValue("sa") String username,
        @DefaultValue("") String password,
        @DefaultValue("h2") String dialect,
        @DefaultValue("classpath:sql/") String sqlLocation,
        @DefaultValue("5000") int fetchSize) {
}
