package io.execkpi.warehouse;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Hand-written warehouse rows, defined once and loaded by both test dialects: the embedded DuckDB warehouse through
 * JDBC inserts ({@link #insertInto}) and ZetaSQL's reference implementation as table contents
 * ({@link ZetaSqlWarehouse}). Values are {@link Long}/{@link Integer}, {@link Double}, {@link String},
 * {@link Boolean}, {@link java.time.LocalDate} and {@link LocalDateTime} (a UTC timestamp); a column a row does not
 * list is NULL.
 */
public final class FixtureTables {

    /** One table's rows, each with the values of {@code columns} in order. */
    public record Table(String name, List<String> columns, List<List<Object>> rows) {
    }

    private final Map<String, Table> tables = new LinkedHashMap<>();

    /** Appends rows to a table; {@code columns} is a comma-separated list, each row gives one value per column. */
    public FixtureTables rows(String table, String columns, Object[]... rows) {
        List<String> names = Arrays.stream(columns.split(",")).map(String::trim).toList();
        Table t = tables.computeIfAbsent(table, name -> new Table(name, names, new ArrayList<>()));
        if (!t.columns().equals(names)) {
            throw new IllegalArgumentException(table + ": rows already use columns " + t.columns());
        }
        for (Object[] row : rows) {
            if (row.length != names.size()) {
                throw new IllegalArgumentException(table + ": " + row.length + " values for " + names);
            }
            t.rows().add(Collections.unmodifiableList(Arrays.asList(row.clone())));
        }
        return this;
    }

    /** Changes, in place, the rows of a table that match: each row is seen as a column name → value map. */
    public FixtureTables update(String table, Predicate<Map<String, Object>> where,
                                Consumer<Map<String, Object>> change) {
        Table t = tables.get(table);
        if (t == null) {
            return this;
        }
        for (int i = 0; i < t.rows().size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int j = 0; j < t.columns().size(); j++) {
                row.put(t.columns().get(j), t.rows().get(i).get(j));
            }
            if (where.test(row)) {
                change.accept(row);
                t.rows().set(i, Collections.unmodifiableList(new ArrayList<>(row.values())));
            }
        }
        return this;
    }

    /** The tables, in the order they were first written. */
    public Map<String, Table> tables() {
        return Collections.unmodifiableMap(tables);
    }

    /** Inserts every row into a JDBC warehouse whose tables exist (e.g. {@code thelook/schema.sql}). */
    public void insertInto(JdbcTemplate jdbc) {
        for (Table t : tables.values()) {
            String sql = "INSERT INTO " + t.name() + " (" + String.join(", ", t.columns()) + ") VALUES ("
                    + String.join(", ", Collections.nCopies(t.columns().size(), "?")) + ")";
            jdbc.batchUpdate(sql, t.rows().stream().map(List::toArray).toList());
        }
    }

    /** A UTC timestamp written {@code 2025-01-06 10:00:00} or with a fraction ({@code 23:59:59.999999}). */
    public static LocalDateTime ts(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }
}
