package io.execkpi.warehouse;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the warehouse lives and which SQL dialect its queries are written in.
 *
 * @param type     {@code jdbc} (the embedded DuckDB file or any JDBC database) or {@code bigquery} (settings under
 *                 {@code execkpi.warehouse.bigquery}, see {@link BigQueryProperties})
 * @param jdbcUrl  JDBC URL of the warehouse (default: the embedded DuckDB file {@code ./data/warehouse.duckdb});
 *                 {@code jdbc} only
 * @param username JDBC user; {@code jdbc} only
 * @param password JDBC password (from the environment in production); {@code jdbc} only
 * @param dialect  folder under {@code sqlLocation} holding the queries for this warehouse (default: {@code duckdb}
 *                 for {@code jdbc}, {@code bigquery} for {@code bigquery})
 * @param sqlLocation Spring resource location of the SQL folder (default: the repository's {@code sql/}, packaged in the jar)
 * @param fetchSize rows fetched per round trip when streaming results; {@code jdbc} only
 * @param importDir folder of a thelook export (one file or shard folder per table, see {@link WarehouseImporter}) to
 *                  load into the embedded DuckDB warehouse instead of generating it; re-imported when its files
 *                  change (names, sizes, modification times); unset (default): generate
 * @param memoryLimit the embedded DuckDB warehouse's memory limit ({@code SET memory_limit}), a number and a unit such
 *                    as {@code 1GB} or {@code 512MiB} (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024);
 *                    DuckDB spills larger sorts, joins and aggregates to {@code <file>.tmp} beside the file. Unset
 *                    (default): DuckDB's own default, 80 % of the memory of the machine or container, which in a
 *                    container shared with the JVM's heap must be lowered (see k8s/); {@code jdbc} DuckDB only
 */
@ConfigurationProperties("execkpi.warehouse")
public record WarehouseProperties(
        @DefaultValue("jdbc") String type,
        @DefaultValue("jdbc:duckdb:./data/warehouse.duckdb") String jdbcUrl,
        @DefaultValue("sa") String username,
        @DefaultValue("") String password,
        String dialect,
        @DefaultValue("classpath:sql/") String sqlLocation,
        @DefaultValue("5000") int fetchSize,
        java.nio.file.Path importDir,
        String memoryLimit) {

    public static final String JDBC = "jdbc";
    public static final String BIGQUERY = "bigquery";
    /** The dialect (and {@code sql/} folder) of the embedded DuckDB warehouse. */
    public static final String DUCKDB = "duckdb";

    /**
     * Checks and completes the settings.
     *
     * @throws IllegalArgumentException for an unknown type, a dialect other than {@code bigquery} on BigQuery, or a
     *                                  memory limit that is not a size
     */
    public WarehouseProperties {
        if (!JDBC.equals(type) && !BIGQUERY.equals(type)) {
            throw new IllegalArgumentException("execkpi.warehouse.type: unsupported '" + type
                    + "': expected jdbc or bigquery");
        }
        if (memoryLimit != null && !memoryLimit.isBlank()
                && !memoryLimit.strip().matches("\\d+(\\.\\d+)?\\s*([KMGT]i?B)")) {
            throw new IllegalArgumentException("execkpi.warehouse.memory-limit: '" + memoryLimit + "' is not a size:"
                    + " expected a number and KB, MB, GB, TB, KiB, MiB, GiB or TiB, e.g. 1GB");
        }
        if (dialect == null || dialect.isBlank()) {
            dialect = BIGQUERY.equals(type) ? "bigquery" : DUCKDB;
        }
        if (BIGQUERY.equals(type) && !"bigquery".equals(dialect)) {
            throw new IllegalArgumentException("execkpi.warehouse.dialect=" + dialect + " cannot run on BigQuery: with "
                    + "execkpi.warehouse.type=bigquery set execkpi.warehouse.dialect=bigquery (or leave it unset)");
        }
    }

    /** Whether the embedded warehouse is loaded from {@link #importDir()} instead of generated. */
    public boolean imported() {
        return importDir != null && duckDb();
    }

    /** Whether {@link #jdbcUrl()} addresses a DuckDB database (the embedded warehouse). */
    public boolean duckDb() {
        return JDBC.equals(type) && jdbcUrl.startsWith(DuckDbFile.URL_PREFIX);
    }
}
