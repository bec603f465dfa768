package io.execkpi.kpi;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.execkpi.quality.WriteLocks;

import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The results store for KPIs. Table and column names come only from the catalog, validated as {@code [a-z][a-z0-9_]*}
 * (safe unquoted on H2 and PostgreSQL); values are bound.
 * {@link #replace} must run inside the caller's transaction (the batch chunk), so that rows, the ledger and the
 * job's progress commit together: readers see a slice either entirely old or entirely new. Writers of the same KPI
 * are serialized by a row lock held until that transaction commits.
 */
@Repository
@DependsOn("kpiResultTables") // every catalog KPI's table exists, with every catalog column, before the first use
public class KpiResultsRepository {

    /** The column of a KPI's rows that names the business date whose data they reflect. */
    static final String AS_OF = "as_of_date";

    private final JdbcTemplate jdbc;
    private final WriteLocks locks;

    /** @param jdbc the results store, whose KPI tables {@link KpiResultTables} has brought up to the catalog */
    public KpiResultsRepository(JdbcTemplate jdbc, WriteLocks locks) {
        this.jdbc = jdbc;
        this.locks = locks;
    }

    /**
     * Replaces the KPI's partitions [partitionFrom, partitionTo] by {@code rows} and records business dates
     * [from, to] as materialized by {@code jobExecutionId}. Partitions whose stored rows reflect a business date after
     * {@code to} are kept: newer knowledge is never rolled back. Stored rows equal to the new row of their key (values
     * compared as {@link #read} returns them) stay as they are, so a rerun over unchanged data writes no KPI row;
     * changed rows are updated, rows the query no longer returns are deleted, new ones inserted.
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
        lockForWrite(kpi.name());
        Set<LocalDate> newer = partitionsAsOfLaterThan(kpi, partitionFrom, partitionTo, to);
        if (!newer.isEmpty()) {
            rows = rows.stream().filter(row -> !newer.contains((LocalDate) row.get(kpi.partition()))).toList();
        }
        List<KpiDefinition.Column> columns = kpi.columns();
        List<KpiDefinition.Column> keys = kpi.keys();
        List<KpiDefinition.Column> valueColumns = columns.stream().filter(c -> !keys.contains(c)).toList();
        int[] keyIndexes = keys.stream().mapToInt(columns::indexOf).toArray();
        int[] valueIndexes = valueColumns.stream().mapToInt(columns::indexOf).toArray();
        int partitionIndex = columns.stream().map(KpiDefinition.Column::name).toList().indexOf(kpi.partition());
        // what the range holds now (partitions with newer knowledge aside): normalized values by normalized key
        Map<List<Object>, List<Object>> stored = new HashMap<>();
        jdbc.query("SELECT " + columns.stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "))
                + " FROM " + kpi.table() + " WHERE " + kpi.partition() + " BETWEEN ? AND ?", rs -> {
                    List<Object> values = new ArrayList<>(columns.size());
                    for (int i = 0; i < columns.size(); i++) {
                        values.add(jsonValue(columns.get(i).type(), rs.getObject(i + 1)));
                    }
                    if (!newer.contains((LocalDate) values.get(partitionIndex))) {
                        stored.put(key(keyIndexes, values), values);
                    }
                }, partitionFrom, partitionTo);
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Object[] values = new Object[columns.size()];
            List<Object> normalized = new ArrayList<>(columns.size());
            for (int i = 0; i < values.length; i++) {
                KpiDefinition.Column column = columns.get(i);
                values[i] = row.get(column.name());
                if (values[i] == null && !row.containsKey(column.name())) {
                    throw new IllegalStateException("KPI " + kpi.name() + ": query result lacks column "
                            + column.name());
                }
                normalized.add(jsonValue(column.type(), values[i]));
            }
            List<Object> key = key(keyIndexes, normalized);
            List<Object> was = stored.remove(key);
            if (was == null) {
                inserts.add(values);
            } else if (!was.equals(normalized)) {
                List<Object> update = new ArrayList<>();
                for (int i : valueIndexes) {
                    update.add(values[i]);
                }
                update.addAll(key);
                updates.add(update.toArray());
            } // else stored exactly so: not rewritten
        }
        String byKey = " WHERE " + keys.stream().map(c -> c.name() + " = ?").collect(Collectors.joining(" AND "));
        // rows the query no longer returns
        jdbc.batchUpdate("DELETE FROM " + kpi.table() + byKey, stored.keySet().stream().map(List::toArray).toList());
        jdbc.batchUpdate("UPDATE " + kpi.table() + " SET " + valueColumns.stream().map(c -> c.name() + " = ?")
                .collect(Collectors.joining(", ")) + byKey, updates);
        jdbc.batchUpdate("INSERT INTO " + kpi.table() + " ("
                + columns.stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", ")) + ") VALUES ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")", inserts);

        recordInLedger(kpi.name(), from, to, jobExecutionId, Timestamp.from(Instant.now()));
    }

    /**
     * Records business dates [from, to] of the KPI as materialized by {@code jobExecutionId} at {@code now}. The ledger
     * (table {@code kpi_materialization}, migration V10) holds spans: a row names the execution that last materialized
     * every date in [{@code first_date}, {@code business_date}]. The run's dates become one span (a span of exactly
     * these dates is updated in place); older spans are cut around them, so spans never overlap. Callers hold the KPI's
     * write lock.
     */
    private void recordInLedger(String kpi, LocalDate from, LocalDate to, long jobExecutionId, Timestamp now) {
        boolean inPlace = false;
        for (LedgerSpan old : ledgerSpans(kpi, from, to)) {
            if (old.first().equals(from) && old.last().equals(to)) {
                jdbc.update("UPDATE kpi_materialization SET job_execution_id = ?, materialized_at = ?"
                        + " WHERE kpi = ? AND business_date = ?", jobExecutionId, now, kpi, to);
                inPlace = true;
            } else if (old.last().isAfter(to)) {
                // the part after the run keeps its row (same last date), the part before it (if any) gets one
                jdbc.update("UPDATE kpi_materialization SET first_date = ? WHERE kpi = ? AND business_date = ?",
                        to.plusDays(1), kpi, old.last());
                if (old.first().isBefore(from)) {
                    jdbc.update("INSERT INTO kpi_materialization (kpi, first_date, business_date, job_execution_id,"
                            + " materialized_at) VALUES (?, ?, ?, ?, ?)", kpi, old.first(), from.minusDays(1),
                            old.jobExecutionId(), Timestamp.from(old.materializedAt()));
                }
            } else if (old.first().isBefore(from)) {
                jdbc.update("UPDATE kpi_materialization SET business_date = ? WHERE kpi = ? AND business_date = ?",
                        from.minusDays(1), kpi, old.last());
            } else {
                jdbc.update("DELETE FROM kpi_materialization WHERE kpi = ? AND business_date = ?", kpi, old.last());
            }
        }
        if (!inPlace) {
            jdbc.update("INSERT INTO kpi_materialization (kpi, first_date, business_date, job_execution_id,"
                    + " materialized_at) VALUES (?, ?, ?, ?, ?)", kpi, from, to, jobExecutionId, now);
        }
    }

    /** A ledger row: {@code jobExecutionId} materialized every business date in [first, last] at that instant. */
    private record LedgerSpan(LocalDate first, LocalDate last, long jobExecutionId, Instant materializedAt) {
    }

    /** The KPI's ledger spans that share a date with [from, to], by first date. */
    private List<LedgerSpan> ledgerSpans(String kpi, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT first_date, business_date, job_execution_id, materialized_at FROM kpi_materialization"
                        + " WHERE kpi = ? AND business_date >= ? AND first_date <= ? ORDER BY first_date",
                (rs, n) -> new LedgerSpan(rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class),
                        rs.getLong(3), rs.getTimestamp(4).toInstant()), kpi, from, to);
    }

    /**
     * Partitions of a KPI whose rows hold a state as of a business date (column {@value #AS_OF}, not the partition
     * itself: the retention cohorts) that already reflect a business date after {@code asOf}: a rerun or backfill of
     * an earlier date must leave them as they are, since a clean run through the latest date would.
     */
    private Set<LocalDate> partitionsAsOfLaterThan(KpiDefinition kpi, LocalDate partitionFrom, LocalDate partitionTo,
                                                   LocalDate asOf) {
        if (kpi.partition().equals(AS_OF) || kpi.columns().stream().noneMatch(c -> c.name().equals(AS_OF))) {
            return Set.of();
        }
        return new HashSet<>(jdbc.queryForList("SELECT DISTINCT " + kpi.partition() + " FROM " + kpi.table()
                + " WHERE " + kpi.partition() + " BETWEEN ? AND ? AND " + AS_OF + " > ?", LocalDate.class,
                partitionFrom, partitionTo, asOf));
    }

    /**
     * Takes the KPI's write lock for the rest of the caller's transaction: a concurrent writer of the same KPI (another
     * thread or process) waits here until this transaction commits, then replaces committed rows instead of colliding
     * with uncommitted ones on their keys.
     */
    void lockForWrite(String kpi) {
        locks.lock(kpi);
    }

    /** Rows whose partition lies in [from, to], ordered by the KPI's keys, with JSON-friendly values. */
    public List<Map<String, Object>> read(KpiDefinition kpi, LocalDate from, LocalDate to) {
        List<KpiDefinition.Column> columns = kpi.columns();
        String sql = "SELECT " + columns.stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "))
                + " FROM " + kpi.table() + " WHERE " + kpi.partition() + " BETWEEN ? AND ? ORDER BY "
                + kpi.keys().stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "));
        return jdbc.query(sql, (rs, n) -> row(columns, rs), from, to);
    }

    /**
     * Rows of a breakdown entry in [from, to] with these keys (null value or value2: any), by partition, value, value2.
     */
    public List<Map<String, Object>> readSlices(KpiDefinition kpi, LocalDate from, LocalDate to, String dimension,
                                                String value, String dimension2, String value2) {
        List<KpiDefinition.Column> columns = kpi.columns();
        StringBuilder sql = new StringBuilder("SELECT " + columns.stream().map(KpiDefinition.Column::name)
                .collect(Collectors.joining(", ")) + " FROM " + kpi.table() + " WHERE " + kpi.partition()
                + " BETWEEN ? AND ? AND " + Breakdowns.DIMENSION + " = ? AND " + Breakdowns.DIMENSION2 + " = ?");
        List<Object> args = new ArrayList<>(List.of(from, to, dimension, dimension2));
        if (value != null) {
            sql.append(" AND ").append(Breakdowns.VALUE).append(" = ?");
            args.add(value);
        }
        if (value2 != null) {
            sql.append(" AND ").append(Breakdowns.VALUE2).append(" = ?");
            args.add(value2);
        }
        sql.append(" ORDER BY " + kpi.partition() + ", " + Breakdowns.VALUE + ", " + Breakdowns.VALUE2);
        return jdbc.query(sql.toString(), (rs, n) -> row(columns, rs), args.toArray());
    }

    /**
     * One page of the rows whose partition lies in [from, to]: newest partition first, then by the other keys
     * ascending (the API's order within a partition), skipping {@code offset} rows and returning at most
     * {@code limit}, with the values of {@link #read}. One query (LIMIT/OFFSET, the same SQL on H2 and PostgreSQL);
     * only the page's rows leave the store.
     *
     * @param offset rows skipped, at least 0
     * @param limit  most rows returned, at least 1
     */
    public List<Map<String, Object>> readPage(KpiDefinition kpi, LocalDate from, LocalDate to, long offset,
                                              int limit) {
        List<KpiDefinition.Column> columns = kpi.columns();
        String order = kpi.partition() + " DESC" + kpi.keys().stream().map(KpiDefinition.Column::name)
                .filter(k -> !k.equals(kpi.partition())).map(k -> ", " + k).collect(Collectors.joining());
        String sql = "SELECT " + columns.stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "))
                + " FROM " + kpi.table() + " WHERE " + kpi.partition() + " BETWEEN ? AND ? ORDER BY " + order
                + " LIMIT ? OFFSET ?";
        return jdbc.query(sql, (rs, n) -> row(columns, rs), from, to, limit, offset);
    }

    /** How many rows have their partition in [from, to] (what {@link #read} would return). */
    public long count(KpiDefinition kpi, LocalDate from, LocalDate to) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM " + kpi.table() + " WHERE " + kpi.partition()
                + " BETWEEN ? AND ?", Long.class, from, to);
        return n == null ? 0 : n;
    }

    /**
     * What the KPI's dashboard chart draws (see {@link KpiDefinition.Chart}) over partitions [from, to]: the rows
     * that match the chart's {@code where}, one per combination of {@link KpiDefinition#chartKeys()} (partition,
     * facet, series keys), ordered by those keys as the catalog lists them, holding those keys and the charted
     * value columns. When other keys remain, each value is the SQL {@code SUM} of the column over them (null when
     * every summed value is null); otherwise the stored values as they are.
     *
     * @param columns the charted value columns (numeric value columns of the KPI)
     */
    public List<Map<String, Object>> readChart(KpiDefinition kpi, List<KpiDefinition.Column> columns, LocalDate from,
                                               LocalDate to) {
        List<String> groupKeys = kpi.chartKeys();
        Map<String, String> where = kpi.chart().where();
        boolean sums = !kpi.chartSummedKeys().isEmpty();
        List<KpiDefinition.Column> out = new ArrayList<>();
        groupKeys.forEach(k -> out.add(kpi.keys().stream().filter(c -> c.name().equals(k)).findFirst().orElseThrow()));
        out.addAll(columns);
        String keyList = String.join(", ", groupKeys);
        StringBuilder sql = new StringBuilder("SELECT ").append(keyList);
        for (KpiDefinition.Column c : columns) {
            sql.append(", ").append(sums ? "SUM(" + c.name() + ") AS " + c.name() : c.name());
        }
        sql.append(" FROM ").append(kpi.table()).append(" WHERE ").append(kpi.partition()).append(" BETWEEN ? AND ?");
        List<Object> args = new ArrayList<>(List.of(from, to));
        for (Map.Entry<String, String> filter : where.entrySet()) {
            String type = kpi.keys().stream().filter(c -> c.name().equals(filter.getKey())).findFirst().orElseThrow()
                    .type();
            sql.append(" AND ").append(filter.getKey()).append(" = ?");
            args.add(keyValue(type, filter.getValue()));
        }
        if (sums) {
            sql.append(" GROUP BY ").append(keyList);
        }
        sql.append(" ORDER BY ").append(keyList);
        return jdbc.query(sql.toString(), (rs, n) -> row(out, rs), args.toArray());
    }

    /**
     * A key value of the catalog given as text, as the JDBC value of its column type: date (ISO), integer, decimal,
     * boolean ({@code true}/{@code false}) or text.
     *
     * @throws IllegalArgumentException when the text is null or not a value of the type
     */
    static Object keyValue(String type, String text) {
        if (text == null) {
            throw new IllegalArgumentException("no value");
        }
        return switch (type) {
            case "date" -> LocalDate.parse(text);
            case "integer" -> Long.valueOf(text);
            case "decimal" -> Double.valueOf(text);
            case "boolean" -> switch (text) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("not a boolean: " + text);
            };
            default -> text;
        };
    }

    private static Map<String, Object> row(List<KpiDefinition.Column> columns, java.sql.ResultSet rs)
            throws java.sql.SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i).name(), jsonValue(columns.get(i).type(), rs.getObject(i + 1)));
        }
        return row;
    }

    /**
     * Lineage of business dates: which job execution last materialized a date of the KPI, and when.
     *
     * @param businessDate     a business date of the KPI's ledger
     * @param jobExecutionId   the Spring Batch job execution that wrote it
     * @param materializedAt   when that execution committed it (UTC)
     */
    public record Lineage(LocalDate businessDate, long jobExecutionId, Instant materializedAt) {
    }

    /**
     * The ledger entries of business dates [from, to], one per date (spans expanded), oldest first; dates never
     * materialized are absent.
     */
    public List<Lineage> lineage(String kpi, LocalDate from, LocalDate to) {
        List<Lineage> dates = new ArrayList<>();
        for (LedgerSpan span : ledgerSpans(kpi, from, to)) {
            LocalDate last = span.last().isAfter(to) ? to : span.last();
            for (LocalDate d = span.first().isBefore(from) ? from : span.first(); !d.isAfter(last); d = d.plusDays(1)) {
                dates.add(new Lineage(d, span.jobExecutionId(), span.materializedAt()));
            }
        }
        return dates;
    }

    /** The latest business date materialized per KPI, in one query (KPIs never materialized are absent). */
    public Map<String, LocalDate> latestDates() {
        Map<String, LocalDate> latest = new LinkedHashMap<>();
        jdbc.query("SELECT kpi, MAX(business_date) FROM kpi_materialization GROUP BY kpi",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> latest.put(rs.getString(1),
                        rs.getObject(2, LocalDate.class)));
        return latest;
    }

    /** The latest business date materialized for the KPI, if any. */
    public Optional<LocalDate> latestDate(String kpi) {
        return Optional.ofNullable(jdbc.queryForObject(
                "SELECT MAX(business_date) FROM kpi_materialization WHERE kpi = ?", LocalDate.class, kpi));
    }

    /** The earliest date in [from, to] that the KPI has not been materialized for. */
    public Optional<LocalDate> firstMissingDate(String kpi, LocalDate from, LocalDate to) {
        LocalDate expected = from;
        for (LedgerSpan span : ledgerSpans(kpi, from, to)) {
            if (span.first().isAfter(expected)) {
                return Optional.of(expected);
            }
            if (!span.last().isBefore(expected)) {
                expected = span.last().plusDays(1);
            }
        }
        return expected.isAfter(to) ? Optional.empty() : Optional.of(expected);
    }

    /** The key columns' values (at {@code keyIndexes}) of a row given in column order. */
    private static List<Object> key(int[] keyIndexes, List<Object> values) {
        List<Object> key = new ArrayList<>(keyIndexes.length);
        for (int i : keyIndexes) {
            key.add(values.get(i));
        }
        return key;
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
