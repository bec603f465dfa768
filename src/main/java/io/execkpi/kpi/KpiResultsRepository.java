package io.execkpi.kpi;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The results store for KPIs. Table and column names come only from the catalog, validated as {@code [a-z][a-z0-9_]*}
 * (safe unquoted on H2 and PostgreSQL); values are bound.
 * {@link #replace} must run inside the caller's transaction (the batch chunk), so that rows, the ledger and the
 * job's progress commit together: readers see a slice either entirely old or entirely new.
 */
@Repository
@DependsOn("kpiResultTables") // every catalog KPI's table exists, with every catalog column, before the first use
public class KpiResultsRepository {

    private final JdbcTemplate jdbc;

    /** @param jdbc the results store, whose KPI tables {@link KpiResultTables} has brought up to the catalog */
    public KpiResultsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Replaces the KPI's partitions [partitionFrom, partitionTo] by {@code rows} and records business dates
     * [from, to] as materialized by {@code jobExecutionId}.
     *
     * @throws IllegalStateException when a row's partition lies outside the replaced range (it would survive a
     *                               re-run and be duplicated)
     */
    public void replace(KpiDefinition kpi, LocalDate partitionFrom, LocalDate partitionTo, List<Map<String, Object>> rows,
                        LocalDate from, LocalDate to, long jobExecutionId) {
        for (Map<String, Object> row : rows) {
            Object p = row.get(kpi.partition());
            if (!(p instanceof LocalDate d) || d.isBefore(partitionFrom) || d.isAfter(partitionTo)) {
                throw new IllegalStateException("KPI " + kpi.name() + ": query returned " + kpi.partition() + "=" + p
                        + " outside the materialized range " + partitionFrom + ".." + partitionTo);
            }
        }
        jdbc.update("DELETE FROM " + kpi.table() + " WHERE " + kpi.partition() + " BETWEEN ? AND ?",
                partitionFrom, partitionTo);
        List<KpiDefinition.Column> columns = kpi.columns();
        String insert = "INSERT INTO " + kpi.table() + " ("
                + columns.stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", ")) + ") VALUES ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        List<Object[]> batch = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Object[] values = new Object[columns.size()];
            for (int i = 0; i < values.length; i++) {
                String name = columns.get(i).name();
                if (!row.containsKey(name)) {
                    throw new IllegalStateException("KPI " + kpi.name() + ": query result lacks column " + name);
                }
                values[i] = row.get(name);
            }
            batch.add(values);
        }
        jdbc.batchUpdate(insert, batch);

        jdbc.update("DELETE FROM kpi_materialization WHERE kpi = ? AND business_date BETWEEN ? AND ?",
                kpi.name(), from, to);
        Timestamp now = Timestamp.from(Instant.now());
        List<Object[]> ledger = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            ledger.add(new Object[] {kpi.name(), d, jobExecutionId, now});
        }
        jdbc.batchUpdate("INSERT INTO kpi_materialization (kpi, business_date, job_execution_id, materialized_at)"
                + " VALUES (?, ?, ?, ?)", ledger);
    }

    /** Rows whose partition lies in [from, to], ordered by the KPI's keys, with JSON-friendly values. */
    public List<Map<String, Object>> read(KpiDefinition kpi, LocalDate from, LocalDate to) {
        List<KpiDefinition.Column> columns = kpi.columns();
        String sql = "SELECT " + columns.stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "))
                + " FROM " + kpi.table() + " WHERE " + kpi.partition() + " BETWEEN ? AND ? ORDER BY "
                + kpi.keys().stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "));
        return jdbc.query(sql, (rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i).name(), jsonValue(columns.get(i).type(), rs.getObject(i + 1)));
            }
            return row;
        }, from, to);
    }

    /** The latest business date materialized for the KPI, if any. */
    public Optional<LocalDate> latestDate(String kpi) {
        return Optional.ofNullable(jdbc.queryForObject(
                "SELECT MAX(business_date) FROM kpi_materialization WHERE kpi = ?", LocalDate.class, kpi));
    }

    /** The earliest date in [from, to] that the KPI has not been materialized for. */
    public Optional<LocalDate> firstMissingDate(String kpi, LocalDate from, LocalDate to) {
        List<LocalDate> done = jdbc.queryForList("SELECT business_date FROM kpi_materialization"
                + " WHERE kpi = ? AND business_date BETWEEN ? AND ? ORDER BY business_date", LocalDate.class, kpi, from, to);
        LocalDate expected = from;
        for (LocalDate d : done) {
            if (!d.equals(expected)) {
                return Optional.of(expected);
            }
            expected = expected.plusDays(1);
        }
        return expected.isAfter(to) ? Optional.empty() : Optional.of(expected);
    }

    private static Object jsonValue(String type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case "date" -> value instanceof java.sql.Date d ? d.toLocalDate() : value;
            case "integer" -> ((Number) value).longValue();
            case "decimal" -> value instanceof BigDecimal b ? b.doubleValue() : ((Number) value).doubleValue();
            default -> value;
        };
    }
}
