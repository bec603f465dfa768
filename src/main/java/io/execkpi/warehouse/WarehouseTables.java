package io.execkpi.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

/**
 * Which thelook tables the warehouse really holds. A generated warehouse (or BigQuery, or another JDBC warehouse)
 * holds them all; an imported one holds those the export had a file for (see {@link WarehouseImporter}): an optional
 * table without a file exists but is empty, and a KPI that needs it must be reported unavailable, not computed as
 * zeros.
 */
@Component
public class WarehouseTables {

    private final WarehouseProperties properties;
    private final WarehouseConfiguration.WarehouseConnection connection;

    /** Reads the import record of the embedded warehouse through its pool. */
    public WarehouseTables(WarehouseProperties properties, WarehouseConfiguration.WarehouseConnection connection) {
        this.properties = properties;
        this.connection = connection;
    }

    /**
     * @param tables thelook table names a query reads (may be empty)
     * @return empty when all are there; otherwise one sentence naming the tables the imported warehouse lacks
     * @throws IllegalStateException when the import record cannot be read
     */
    public Optional<String> missing(Collection<String> tables) {
        if (tables == null || tables.isEmpty() || !properties.duckDb()) {
            return Optional.empty();
        }
        Optional<Set<String>> imported;
        try (Connection c = connection.dataSource().getConnection()) {
            imported = WarehouseImporter.importedTables(c);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the warehouse's import record: " + e.getMessage(), e);
        }
        if (imported.isEmpty()) {
            return Optional.empty();
        }
        List<String> absent = tables.stream().filter(t -> !imported.get().contains(t)).toList();
        return absent.isEmpty() ? Optional.empty() : Optional.of("the imported export has no "
                + String.join(", ", absent) + " file, so the warehouse has no " + String.join(", ", absent) + " rows");
    }
}
