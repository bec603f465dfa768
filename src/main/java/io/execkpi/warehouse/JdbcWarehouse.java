package io.execkpi.warehouse;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Warehouse over JDBC (the embedded DuckDB thelook warehouse by default). Named {@code :parameters} are bound by
 * Spring's {@link NamedParameterJdbcTemplate}; timestamps are read as UTC; DuckDB's 128-bit integers (the type of
 * {@code SUM} over integers) are read as {@code Long} when they fit.
 */
public final class JdbcWarehouse implements Warehouse {

    private final SqlFiles sqlFiles;
    private final NamedParameterJdbcTemplate jdbc;

    /**
     * @param dataSource the warehouse's connections
     * @param sqlFiles   where the named queries are read from (their dialect is this warehouse's)
     * @param fetchSize  rows fetched per round trip when streaming results
     */
    public JdbcWarehouse(DataSource dataSource, SqlFiles sqlFiles, int fetchSize) {
        this.sqlFiles = sqlFiles;
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setFetchSize(fetchSize);
        this.jdbc = new NamedParameterJdbcTemplate(template);
    }

    @Override
    public String dialect() {
        return sqlFiles.dialect();
    }

    @Override
    public long query(String queryName, Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        return run(sqlFiles.sql(queryName), parameters, rows);
    }

    @Override
    public long query(String label, java.util.function.Function<java.util.function.Function<String, String>, String> compose,
                      Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        return run(compose.apply(sqlFiles::sql), parameters, rows);
    }

    private long run(String sql, Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        long[] count = {0};
        jdbc.query(sql, parameters, (RowCallbackHandler) rs -> {
            rows.accept(toRow(rs));
            count[0]++;
        });
        return count[0];
    }

    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,59}");

    /** {@inheritDoc} Runs {@code SELECT MAX(column) FROM table}; names outside {@code [a-z][a-z0-9_]*} are refused. */
    @Override
    public java.util.Optional<java.time.Instant> latestTimestamp(String table, String column) {
        if (!IDENTIFIER.matcher(table).matches() || !IDENTIFIER.matcher(column).matches()) {
            throw new IllegalArgumentException("Invalid source " + table + "." + column);
        }
        Object latest = jdbc.getJdbcTemplate().queryForObject("SELECT MAX(" + column + ") FROM " + table,
                (rs, n) -> toJava(rs.getObject(1)));
        return java.util.Optional.ofNullable((java.time.Instant) latest);
    }

    /**
     * {@inheritDoc} The embedded generator records one: {@code thelook_meta.last_generated}, written in the same
     * transaction as every row of the days it generates, so each thelook table (users, orders, order items, events,
     * …) is complete through that day. An import drops {@code thelook_meta} (an export has no such record), and any
     * other table has no watermark.
     */
    @Override
    public java.util.Optional<java.time.LocalDate> loadedThrough(String table) {
        if (WarehouseImporter.TABLES.stream().noneMatch(t -> t.name().equals(table))) {
            return java.util.Optional.empty();
        }
        JdbcTemplate template = jdbc.getJdbcTemplate();
        Integer meta = template.queryForObject("SELECT COUNT(*) FROM information_schema.tables"
                + " WHERE lower(table_name) = 'thelook_meta'", Integer.class);
        if (meta == null || meta == 0) {
            return java.util.Optional.empty();
        }
        return template.queryForList("SELECT last_generated FROM thelook_meta WHERE id = 1", java.sql.Date.class)
                .stream().filter(java.util.Objects::nonNull).map(java.sql.Date::toLocalDate).findFirst();
    }

    private static Map<String, Object> toRow(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), toJava(rs.getObject(i)));
        }
        return row;
    }

    static Object toJava(Object value) {
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate();
        }
        if (value instanceof Timestamp ts) {
            return ts.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return ldt.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : new java.math.BigDecimal(big);
        }
        return value;
    }
}
