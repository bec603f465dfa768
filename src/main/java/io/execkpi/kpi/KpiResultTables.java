package io.execkpi.kpi;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Creates and evolves each KPI's results table ({@code kpi_<name>}) from the catalog, so that a KPI is a SQL file
 * and a catalog entry, with no hand-written migration. Runs once when the application starts, after Flyway (the
 * {@link JdbcTemplate} it uses waits for the database initialization), on H2 and PostgreSQL alike:
 * <ul>
 *   <li>a missing table is created: key columns {@code NOT NULL} and the primary key, value columns nullable;</li>
 *   <li>a value column added to a KPI is added to its table ({@code ALTER TABLE … ADD COLUMN}, {@code NULL} in the
 *       rows materialized before: rerun those dates to fill it);</li>
 *   <li>columns the catalog no longer lists, and tables of KPIs removed from the catalog, are left alone;</li>
 *   <li>a key column added to an existing table stops the start-up: the table's primary key would no longer
 *       identify a row (drop the table, or give the KPI a new name).</li>
 * </ul>
 * The statements are {@code IF NOT EXISTS} forms (H2 and PostgreSQL have both), so replicas starting together on a
 * shared store do not fail on each other's DDL.
 * Column types: date → {@code DATE}, integer → {@code BIGINT}, decimal → {@code DOUBLE PRECISION}, text →
 * {@code VARCHAR(255)}, boolean → {@code BOOLEAN}. Names are the catalog's, already validated as
 * {@code [a-z][a-z0-9_]*}.
 */
@Component
public class KpiResultTables {

    private static final Logger log = LoggerFactory.getLogger(KpiResultTables.class);

    private final List<String> changes;

    /**
     * Brings every catalog KPI's table up to date.
     *
     * @throws IllegalStateException when a catalog key column is missing from an existing table
     * @throws org.springframework.dao.DataAccessException when the store refuses a statement
     */
    public KpiResultTables(KpiCatalog catalog, JdbcTemplate jdbc) {
        List<String> done = new ArrayList<>();
        for (KpiDefinition kpi : catalog.all()) {
            Set<String> existing = existingColumns(jdbc, kpi.table());
            for (String statement : statements(kpi, existing)) {
                jdbc.execute(statement);
                done.add(statement);
            }
        }
        changes = List.copyOf(done);
        if (!changes.isEmpty()) {
            log.info("KPI results tables brought up to the catalog: {}", String.join("; ", changes));
        }
    }

    /** The DDL statements this start-up ran, in order (empty when every table already matched the catalog). */
    public List<String> changes() {
        return changes;
    }

    /**
     * The DDL that brings a KPI's table from {@code existing} (lower-case column names; empty when the table does
     * not exist) to the catalog's definition.
     *
     * @throws IllegalStateException when a key column is missing from an existing table
     */
    static List<String> statements(KpiDefinition kpi, Set<String> existing) {
        if (existing.isEmpty()) {
            String columns = kpi.columns().stream()
                    .map(c -> c.name() + " " + sqlType(c.type()) + (kpi.keys().contains(c) ? " NOT NULL" : ""))
                    .collect(Collectors.joining(", "));
            String key = kpi.keys().stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "));
            return List.of("CREATE TABLE IF NOT EXISTS " + kpi.table() + " (" + columns + ", PRIMARY KEY (" + key
                    + "))");
        }
        List<String> missingKeys = kpi.keys().stream().map(KpiDefinition.Column::name)
                .filter(k -> !existing.contains(k)).toList();
        if (!missingKeys.isEmpty()) {
            throw new IllegalStateException("KPI " + kpi.name() + ": key column(s) " + missingKeys + " are not in the"
                    + " existing table " + kpi.table() + ", whose primary key would no longer identify a row; drop"
                    + " that table (it is rebuilt on the next start and refilled by a kpiJob run with rerun=true) or"
                    + " give the KPI a new name");
        }
        return kpi.values().stream().filter(c -> !existing.contains(c.name()))
                .map(c -> "ALTER TABLE " + kpi.table() + " ADD COLUMN IF NOT EXISTS " + c.name() + " "
                        + sqlType(c.type()))
                .toList();
    }

    static String sqlType(String catalogType) {
        return switch (catalogType) {
            case "date" -> "DATE";
            case "integer" -> "BIGINT";
            case "decimal" -> "DOUBLE PRECISION";
            case "text" -> "VARCHAR(255)";
            case "boolean" -> "BOOLEAN";
            default -> throw new IllegalArgumentException("unknown catalog column type " + catalogType);
        };
    }

    /** Lower-case column names of the table in the connection's current schema; empty when it does not exist. */
    private static Set<String> existingColumns(JdbcTemplate jdbc, String table) {
        return jdbc.execute((ConnectionCallback<Set<String>>) c -> {
            // H2 keeps unquoted names in upper case, PostgreSQL in lower case
            Set<String> columns = columns(c, table.toUpperCase(Locale.ROOT));
            return columns.isEmpty() ? columns(c, table) : columns;
        });
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        Set<String> columns = new LinkedHashSet<>();
        try (ResultSet rs = meta.getColumns(c.getCatalog(), c.getSchema(), table, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return columns;
    }
}
