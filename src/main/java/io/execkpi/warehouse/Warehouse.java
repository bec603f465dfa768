package io.execkpi.warehouse;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Runs a query composed from this dialect's query files (e.g. a KPI's breakdown: its facts and dimension queries
     * wrapped in one GROUP BY GROUPING SETS) with bound parameters, as a named query runs.
     *
     * @param label   names the query in logs, errors and BigQuery job labels
     * @param compose gets a function from a query file's name to its text (as stored in {@code sql/<dialect>/}, before
     *                any rendering) and returns the query
     * @return the number of rows streamed
     * @throws UnknownQueryException when a file the composition asks for does not exist for this dialect
     */
    long query(String label, java.util.function.Function<java.util.function.Function<String, String>, String> compose,
               Map<String, ?> parameters, Consumer<Map<String, Object>> rows);

    /**
     * The latest value of a timestamp column, for source freshness checks.
     *
     * @param table  a warehouse table, already validated as {@code [a-z][a-z0-9_]*}
     * @param column its timestamp column, validated the same way
     * @return the latest timestamp (UTC), or empty when the table has no rows
     * @throws UnsupportedOperationException when this warehouse cannot answer it (BigQuery, for now)
     */
    default Optional<Instant> latestTimestamp(String table, String column) {
        throw new UnsupportedOperationException("source freshness is not supported on the " + dialect()
                + " warehouse");
    }

    /**
     * The load watermark of a table, when the warehouse records one: the last UTC calendar day through which its loader
     * has loaded the table completely. A day with no row at all (a quiet day of a small shop) is then still known to
     * be complete, which the latest timestamp cannot tell from a day whose data has not arrived.
     *
     * @param table a warehouse table, already validated as {@code [a-z][a-z0-9_]*}
     * @return the day, or empty when no watermark is recorded for the table (the default)
     */
    default Optional<java.time.LocalDate> loadedThrough(String table) {
        return Optional.empty();
    }
}
