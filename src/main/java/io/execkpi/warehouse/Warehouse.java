package io.execkpi.warehouse;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A read-only analytical source that runs named queries kept in {@code sql/<dialect>/<name>.sql}.
 * Parameters are always bound, never concatenated. Rows stream to the consumer one by one, with
 * lower-case column names and Java values ({@link java.time.LocalDate} for dates,
 * {@link java.time.Instant} for timestamps, {@link Number}, {@link String}, {@link Boolean}).
 */
public interface Warehouse {

    /** The SQL dialect folder this warehouse reads its queries from, e.g. {@code duckdb} or {@code bigquery}. */
    String dialect();

    /**
     * Runs the named query with bound parameters and streams its rows.
     *
     * @return the number of rows streamed
     * @throws UnknownQueryException when no such query file exists for this dialect
     */
    long query(String queryName, Map<String, ?> parameters, Consumer<Map<String, Object>> rows);
}
