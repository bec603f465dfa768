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
 * by day afterwards (the same seed and date always give the same rows). Does nothing for other warehouses (BigQuery,
 * a JDBC URL that is not DuckDB's) or when {@code execkpi.thelook.generate=false}.
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
     * Generates every missing day through {@code through} (inclusive), all in one transaction.
     *
     * @param through last business date the warehouse must hold
     * @throws java.sql.SQLException when the warehouse fails (the warehouse stays as it was before the call)
     * @throws IllegalStateException when the warehouse was generated with other settings
     */
    public void ensureGeneratedThrough(LocalDate through) throws Exception {
        if (!thelook.generate() || !warehouse.duckDb()) {
            return;
        }
        // first the pool: opening it replaces an H2 warehouse of an earlier version, which may hand on its start
        javax.sql.DataSource dataSource = connection.dataSource();
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
}
