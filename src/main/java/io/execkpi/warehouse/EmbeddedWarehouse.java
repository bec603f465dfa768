package io.execkpi.warehouse;

import java.time.LocalDate;

import io.execkpi.thelook.GenerationSummary;
import io.execkpi.thelook.TheLookGenerator;
import io.execkpi.thelook.TheLookSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded DuckDB thelook warehouse generated through a date: generates it when missing and tops it up day
 * by day afterwards (the same seed and date always give the same rows). With {@code execkpi.warehouse.import-dir}
 * set it imports that export folder instead (see {@link WarehouseImporter}), again whenever its files change. Does
 * nothing for other warehouses (BigQuery, a JDBC URL that is not DuckDB's) or when
 * {@code execkpi.thelook.generate=false} without an import folder, nor for a warehouse that holds an import (made by
 * the command {@code import <dir>}).
 */
@Component
public class EmbeddedWarehouse {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedWarehouse.class);

    private final WarehouseConfiguration.WarehouseConnection connection;
    private final WarehouseProperties warehouse;
    private final TheLookProperties thelook;

    /** Wires the generator to the warehouse pool and to the warehouse and thelook settings. */
    public EmbeddedWarehouse(WarehouseConfiguration.WarehouseConnection connection, WarehouseProperties warehouse,
                             TheLookProperties thelook) {
        this.connection = connection;
        this.warehouse = warehouse;
        this.thelook = thelook;
    }

    /**
     * Generates every missing day through {@code through} (inclusive), all in one transaction; with an import
     * folder, imports it instead when its files differ from the last import's (the date is then not used).
     *
     * @param through last business date the warehouse must hold
     * @throws java.sql.SQLException when the warehouse fails (the warehouse stays as it was before the call)
     * @throws IllegalStateException when the warehouse was generated with other settings
     * @throws WarehouseImportException when the import folder holds a bad file (the warehouse stays as it was)
     */
    public void ensureGeneratedThrough(LocalDate through) throws Exception {
        if (warehouse.imported()) {
            importIfChanged(warehouse.importDir());
            return;
        }
        if (!thelook.generate() || !warehouse.duckDb()) {
            return;
        }
        // first the pool: opening it replaces an H2 warehouse of an earlier version, which may hand on its start
        javax.sql.DataSource dataSource = connection.dataSource();
        try (java.sql.Connection c = dataSource.getConnection()) {
            if (WarehouseImporter.importedTables(c).isPresent()) {
                log.debug("the embedded warehouse holds an import (command import); not generating");
                return;
            }
        }
        // without a configured start the generator keeps the warehouse's recorded start (three years before the
        // first generated day), so the default does not move every day; a replaced H2 warehouse hands its start on
        LocalDate start = thelook.start() != null ? thelook.start() : connection.inheritedStart().orElse(null);
        GenerationSummary summary = new TheLookGenerator(new TheLookSettings(thelook.seed(), thelook.scale(), start))
                .generateThrough(dataSource, through);
        if (summary.days() > 0) {
            log.info("embedded warehouse generated {}..{} ({} days, {} users, {} orders, {} events) in {} ms",
                    summary.firstDay(), summary.lastDay(), summary.days(), summary.users(), summary.orders(),
                    summary.events(), summary.took().toMillis());
        }
    }

    /**
     * Imports an export folder into the embedded DuckDB warehouse, replacing its thelook tables in one transaction.
     *
     * @param dir folder with one file or shard folder per table (see {@link WarehouseImporter})
     * @return what was loaded
     * @throws IllegalStateException    when the warehouse is not the embedded DuckDB one
     * @throws WarehouseImportException for a bad or missing file (the warehouse stays as it was)
     * @throws java.sql.SQLException    when DuckDB fails (the warehouse stays as it was)
     */
    public WarehouseImporter.Summary importFrom(java.nio.file.Path dir) throws java.sql.SQLException {
        if (!warehouse.duckDb()) {
            throw new IllegalStateException("import needs the embedded DuckDB warehouse (execkpi.warehouse.jdbc-url="
                    + "jdbc:duckdb:…), not " + warehouse.type() + " " + warehouse.jdbcUrl());
        }
        WarehouseImporter.Summary summary = WarehouseImporter.importFrom(connection.dataSource(), dir);
        log.info("imported {} into the embedded warehouse in {} ms: {} rows{}{}", dir, summary.took().toMillis(),
                summary.rows(), summary.missingOptional().isEmpty() ? ""
                        : "; no file for optional table(s) " + summary.missingOptional(),
                summary.warnings().isEmpty() ? "" : "; warnings: " + String.join("; ", summary.warnings()));
        return summary;
    }

    private void importIfChanged(java.nio.file.Path dir) throws java.sql.SQLException {
        String fingerprint = WarehouseImporter.fingerprint(dir);
        try (java.sql.Connection c = connection.dataSource().getConnection()) {
            if (WarehouseImporter.importedFingerprint(c).filter(fingerprint::equals).isPresent()) {
                return;
            }
        }
        importFrom(dir);
    }

    /**
     * The days (UTC) the warehouse's orders and events cover, for telling a user what to materialize after an
     * import: the first and last day with an order or event, and the last complete day, the day before the last
     * one (the kpiJob freshness gate passes a business date once the sources' latest timestamp reaches its end, and
     * an export's last day is usually partial).
     *
     * @return empty when the warehouse holds no order and no event
     */
    public java.util.Optional<Coverage> coverage() {
        org.springframework.jdbc.core.JdbcTemplate jdbc =
                new org.springframework.jdbc.core.JdbcTemplate(connection.dataSource());
        String range = "SELECT CAST(MIN(created_at) AS DATE) AS first_day, CAST(MAX(created_at) AS DATE) AS last_day"
                + " FROM (SELECT created_at FROM orders%s)";
        java.util.List<java.util.Map<String, Object>> rows;
        try {
            rows = jdbc.queryForList(range.formatted(" UNION ALL SELECT created_at FROM events"));
        } catch (org.springframework.dao.DataAccessException e) { // an import without the optional events table
            rows = jdbc.queryForList(range.formatted(""));
        }
        Object first = rows.get(0).get("first_day");
        Object last = rows.get(0).get("last_day");
        if (first == null || last == null) {
            return java.util.Optional.empty();
        }
        LocalDate lastDay = day(last);
        return java.util.Optional.of(new Coverage(day(first), lastDay, lastDay.minusDays(1)));
    }

    private static LocalDate day(Object value) {
        return value instanceof java.sql.Date date ? date.toLocalDate() : LocalDate.parse(value.toString());
    }

    /** @param first first day with data; @param last last day with data; @param lastComplete the day before last */
    public record Coverage(LocalDate first, LocalDate last, LocalDate lastComplete) {
    }
}
