package io.execkpi.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.execkpi.thelook.TheLookGenerator;

/**
 * Loads thelook tables from export files into the embedded DuckDB warehouse, replacing what it held, with DuckDB's
 * own readers ({@code read_csv}, {@code read_parquet}, {@code read_json}): no row passes through the JVM heap.
 *
 * <p><b>Files.</b> For each table {@code t} the folder holds either one file {@code t.csv}, {@code t.csv.gz},
 * {@code t.parquet}, {@code t.json}, {@code t.jsonl}, {@code t.ndjson} (JSON newline-delimited, optionally
 * {@code .gz}), or a folder {@code t/} of shards in one of those formats (BigQuery's {@code t-000000000000.csv}
 * naming works; other files in it are ignored). Required: {@code users}, {@code orders}, {@code order_items},
 * {@code products}, {@code distribution_centers}. Optional: {@code events}, {@code inventory_items},
 * {@code experiments}, {@code experiment_variants}, {@code assignments}; a missing one is imported as an empty table
 * and listed in {@link Summary#missingOptional()} (and absent from {@link #importedTables}).
 *
 * <p><b>CSV</b> is BigQuery's export format: a header row naming the columns (any order; the columns of
 * {@code /thelook/schema.sql}, plus BigQuery's {@code user_geom} and {@code distribution_center_geom}, which are
 * dropped), comma separated, {@code "} quoted, empty field = NULL. Timestamps are read as {@code TIMESTAMPTZ}:
 * {@code 2025-01-25 19:35:58.912969 UTC} with 0–6 fractional digits, or an explicit offset ({@code +02}); stored as
 * UTC {@code TIMESTAMP}. A value without zone is read as UTC.
 *
 * <p><b>Checks</b> (each failure is an {@link WarehouseImportException} naming the file, line and column, and
 * leaves the warehouse as it was): wrong header (missing or unknown column), a value that does not parse as its
 * column's type (via {@code read_csv}'s {@code store_rejects}), an empty required value, and two <em>different</em>
 * rows with the same primary key. Rows repeated exactly (as in exports built from joins) are kept once and counted
 * in {@link Summary#duplicateRowsRemoved()}: they carry no conflicting information. An order item whose order is
 * not in {@code orders} is a warning with a count.
 * Line numbers count the header as line 1 and one line per row (DuckDB numbers the rows in file order); a quoted
 * value spanning lines shifts them for the rows after it.
 *
 * <p><b>Atomicity.</b> Files are read and checked into temporary tables first; then one transaction drops the thelook
 * tables, recreates them from the schema and fills them, so readers see either the previous warehouse or the new
 * one. Rows are inserted in primary-key order: importing the same files again gives the same rows.
 */
public final class WarehouseImporter {

    /** Table recording what the last import loaded: one row per imported table. */
    public static final String IMPORT_TABLE = "warehouse_import";

    /** Columns of BigQuery's thelook export that the warehouse does not keep (geography values). */
    static final Set<String> DROPPED_COLUMNS = Set.of("user_geom", "distribution_center_geom");

    /** A thelook table: whether an export must have it, and its primary key. */
    record TableSpec(String name, boolean required, List<String> key) {
    }

    /** The tables in load order. */
    static final List<TableSpec> TABLES = List.of(
            new TableSpec("distribution_centers", true, List.of("id")),
            new TableSpec("products", true, List.of("id")),
            new TableSpec("users", true, List.of("id")),
            new TableSpec("orders", true, List.of("order_id")),
            new TableSpec("order_items", true, List.of("id")),
            new TableSpec("inventory_items", false, List.of("id")),
            new TableSpec("events", false, List.of("id")),
            new TableSpec("experiments", false, List.of("experiment_id")),
            new TableSpec("experiment_variants", false, List.of("experiment_id", "variant")),
            new TableSpec("assignments", false, List.of("experiment_id", "user_id")));

    private static final List<String> EXTENSIONS = List.of(".csv", ".csv.gz", ".parquet", ".json", ".json.gz",
            ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz");

    /**
     * What an import loaded.
     *
     * @param rows                 rows stored per imported table, in load order
     * @param missingOptional      optional tables without a file (stored empty)
     * @param duplicateRowsRemoved exact duplicate rows dropped over all tables
     * @param warnings             one line each (orphan order items, duplicates removed)
     * @param fingerprint          hash of the files' names, sizes and modification times
     * @param took                 wall time of the import
     */
    public record Summary(Map<String, Long> rows, List<String> missingOptional, long duplicateRowsRemoved,
                          List<String> warnings, String fingerprint, Duration took) {
    }

    private WarehouseImporter() {
    }

    /**
     * Imports the export folder {@code dir} into the DuckDB warehouse behind {@code warehouse}, replacing all thelook
     * tables in one transaction.
     *
     * @param warehouse the embedded DuckDB warehouse
     * @param dir       folder holding one file or shard folder per table (see the class comment)
     * @return what was loaded
     * @throws WarehouseImportException for a missing folder or required table, or a bad file (the message names
     *                                  file, line and column); the warehouse is unchanged
     * @throws SQLException             when DuckDB fails otherwise; the warehouse is unchanged
     */
    public static Summary importFrom(DataSource warehouse, Path dir) throws SQLException {
        long began = System.nanoTime();
        Map<TableSpec, List<Path>> files = locate(dir);
        try (Connection c = warehouse.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("SET TimeZone = 'UTC'");
            }
            Map<String, List<Column>> schema = schema(c);
            Map<String, Long> rows = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            long duplicates = 0;
            Set<String> deduplicate = new LinkedHashSet<>();
            try {
                for (TableSpec table : TABLES) {
                    List<Path> tableFiles = files.get(table);
                    if (tableFiles == null) {
                        missing.add(table.name());
                        continue;
                    }
                    List<Column> columns = schema.get(table.name());
                    stage(c, table, columns, tableFiles);
                    long removed = check(c, table, columns, tableFiles);
                    if (removed > 0) {
                        warnings.add(table.name() + ": " + removed + " exact duplicate row(s) removed");
                    }
                    duplicates += removed;
                    if (removed > 0) {
                        deduplicate.add(table.name());
                    }
                }
                if (files.containsKey(spec("order_items"))) {
                    long orphans = count(c, "SELECT count(*) FROM " + distinct("order_items", schema)
                            + " WHERE order_id NOT IN (SELECT order_id FROM " + stageTable("orders") + ")");
                    if (orphans > 0) {
                        warnings.add("order_items: " + orphans + " row(s) have an order_id that is not in orders");
                    }
                }
                String fingerprint = fingerprint(files);
                swap(c, files, schema, deduplicate, rows, fingerprint);
                return new Summary(rows, List.copyOf(missing), duplicates, List.copyOf(warnings), fingerprint,
                        Duration.ofNanos(System.nanoTime() - began));
            } finally {
                dropStages(c);
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * The tables the last import loaded, or empty when the warehouse was not imported (generated, or new).
     *
     * @param c a connection to the DuckDB warehouse
     * @throws SQLException when DuckDB fails
     */
    public static Optional<Set<String>> importedTables(Connection c) throws SQLException {
        if (!tableExists(c, IMPORT_TABLE)) {
            return Optional.empty();
        }
        Set<String> tables = new LinkedHashSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name FROM " + IMPORT_TABLE + " ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return Optional.of(tables);
    }

    /**
     * The fingerprint of the files the last import loaded (see {@link Summary#fingerprint()}), or empty.
     *
     * @param c a connection to the DuckDB warehouse
     * @throws SQLException when DuckDB fails
     */
    public static Optional<String> importedFingerprint(Connection c) throws SQLException {
        if (!tableExists(c, IMPORT_TABLE)) {
            return Optional.empty();
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(fingerprint) FROM " + IMPORT_TABLE)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    /**
     * The fingerprint the files in {@code dir} would have after an import (names, sizes, modification times).
     *
     * @throws WarehouseImportException when the folder or a required table is missing
     */
    public static String fingerprint(Path dir) {
        return fingerprint(locate(dir));
    }

    // ---- files ------------------------------------------------------------------------------------------------

    private static Map<TableSpec, List<Path>> locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WarehouseImportException("import folder " + dir + " does not exist or is not a folder");
        }
        Map<TableSpec, List<Path>> found = new LinkedHashMap<>();
        for (TableSpec table : TABLES) {
            List<Path> single = EXTENSIONS.stream().map(ext -> dir.resolve(table.name() + ext))
                    .filter(Files::isRegularFile).toList();
            Path folder = dir.resolve(table.name());
            List<Path> shards = Files.isDirectory(folder) ? shards(folder) : List.of();
            if (single.size() + (Files.isDirectory(folder) ? 1 : 0) > 1) {
                throw new WarehouseImportException("table " + table.name() + " has more than one source in " + dir
                        + ": " + Stream.concat(single.stream().map(p -> p.getFileName().toString()),
                        Files.isDirectory(folder) ? Stream.of(table.name() + "/") : Stream.empty()).toList()
                        + "; keep one");
            }
            if (!single.isEmpty()) {
                found.put(table, single);
            } else if (Files.isDirectory(folder)) {
                if (shards.isEmpty()) {
                    throw new WarehouseImportException("folder " + folder + " holds no " + EXTENSIONS + " file");
                }
                if (shards.stream().map(WarehouseImporter::format).distinct().count() > 1) {
                    throw new WarehouseImportException("folder " + folder + " mixes file formats; use one");
                }
                found.put(table, shards);
            } else if (table.required()) {
                throw new WarehouseImportException("no file for required table " + table.name() + " in " + dir
                        + " (expected " + table.name() + ".csv, .csv.gz, .parquet, .jsonl… or a folder "
                        + table.name() + "/ of shards)");
            }
        }
        return found;
    }

    private static List<Path> shards(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isRegularFile)
                    .filter(p -> EXTENSIONS.stream().anyMatch(ext -> p.getFileName().toString().endsWith(ext)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private enum Format { CSV, PARQUET, JSON }

    private static Format format(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        return name.endsWith(".csv") || name.endsWith(".csv.gz") ? Format.CSV : Format.JSON;
    }

    private static String fingerprint(Map<TableSpec, List<Path>> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<TableSpec, List<Path>> e : files.entrySet()) {
                for (Path p : e.getValue()) {
                    String line = e.getKey().name() + "|" + p.toAbsolutePath().normalize() + "|" + Files.size(p)
                            + "|" + Files.getLastModifiedTime(p).toMillis() + "\n";
                    digest.update(line.getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- staging ----------------------------------------------------------------------------------------------

    /** A warehouse column: name, DuckDB type, whether it may be NULL. */
    record Column(String name, String type, boolean nullable) {
        boolean timestamp() {
            return type.startsWith("TIMESTAMP");
        }

        /** The type a reader parses the column as: timestamps with their zone, so that offsets are honoured. */
        String readType() {
            return timestamp() ? "TIMESTAMPTZ" : type;
        }

        /** The expression storing a read value as this column (timestamps as UTC wall time). */
        String store() {
            return timestamp() ? "timezone('UTC', " + quote(name) + ")" : quote(name);
        }
    }

    /** The warehouse's thelook columns per table, read from the schema in a transaction that is rolled back. */
    private static Map<String, List<Column>> schema(Connection c) throws SQLException {
        Map<String, List<Column>> schema = new LinkedHashMap<>();
        c.setAutoCommit(false);
        try {
            TheLookGenerator.createSchema(c);
            for (TableSpec table : TABLES) {
                List<Column> columns = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, is_nullable "
                        + "FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
                        + "ORDER BY ordinal_position")) {
                    ps.setString(1, table.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            columns.add(new Column(rs.getString(1), rs.getString(2), "YES".equals(rs.getString(3))));
                        }
                    }
                }
                schema.put(table.name(), columns);
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        return schema;
    }

    private static String stageTable(String table) {
        return "import_stage_" + table;
    }

    private static void stage(Connection c, TableSpec table, List<Column> columns, List<Path> files)
            throws SQLException {
        String stage = stageTable(table.name());
        try (Statement st = c.createStatement()) {
            st.execute("CREATE OR REPLACE TEMP TABLE " + stage + " ("
                    + columns.stream().map(col -> quote(col.name()) + " " + col.type())
                    .collect(Collectors.joining(", ")) + ", _file INTEGER, _line BIGINT)");
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String storeList = columns.stream().map(Column::store).collect(Collectors.joining(", "));
            String source = switch (format(file)) {
                case CSV -> csvSource(c, table, columns, file);
                case PARQUET -> "SELECT " + columns.stream().map(col -> "CAST(" + quote(col.name()) + " AS "
                        + col.readType() + ") AS " + quote(col.name())).collect(Collectors.joining(", "))
                        + " FROM read_parquet(" + literal(file) + ")";
                case JSON -> "SELECT * FROM read_json(" + literal(file) + ", format = 'newline_delimited', "
                        + "columns = " + struct(columns, columns.stream().map(Column::name).toList()) + ")";
            };
            // a data row's line: the header is line 1 of a CSV file
            String lineOffset = format(file) == Format.CSV ? " + 1" : "";
            String sql = "INSERT INTO " + stage + " SELECT " + storeList + ", " + i + ", row_number() OVER ()"
                    + lineOffset + " FROM (" + source + ")";
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                throw new WarehouseImportException(file + ": cannot be read as table " + table.name() + ": "
                        + firstLine(e.getMessage()), e);
            }
            if (format(file) == Format.CSV) {
                reportRejects(c, table, file);
            }
        }
    }

    /** The {@code read_csv} call for one file, after checking its header. */
    private static String csvSource(Connection c, TableSpec table, List<Column> columns, Path file)
            throws SQLException {
        List<String> header = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM read_csv(" + literal(file) + ", header = true, "
                     + "all_varchar = true, delim = ',', quote = '\"', escape = '\"') LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                header.add(md.getColumnName(i));
            }
        } catch (SQLException e) {
            throw new WarehouseImportException(file + ": cannot be read as CSV: " + firstLine(e.getMessage()), e);
        }
        Map<String, Column> byName = columns.stream().collect(Collectors.toMap(Column::name, col -> col,
                (a, b) -> a, LinkedHashMap::new));
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (!byName.containsKey(name) && !DROPPED_COLUMNS.contains(name)) {
                throw new WarehouseImportException(file + " line 1, column " + (i + 1) + ": header '" + name
                        + "' is not a column of " + table.name() + " (expected " + String.join(", ", byName.keySet())
                        + ")");
            }
        }
        for (String name : byName.keySet()) {
            if (!header.contains(name)) {
                throw new WarehouseImportException(file + " line 1: header lacks column '" + name + "' of "
                        + table.name() + " (found " + String.join(", ", header) + ")");
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS import_rejects");
            st.execute("DROP TABLE IF EXISTS import_reject_scans");
        }
        return "SELECT * FROM read_csv(" + literal(file) + ", header = true, auto_detect = false, delim = ',', "
                + "quote = '\"', escape = '\"', columns = " + struct(columns, header) + ", store_rejects = true, "
                + "rejects_table = 'import_rejects', rejects_scan = 'import_reject_scans')";
    }

    /** A {@code columns} struct for {@code names} in file order: warehouse types, dropped columns as text. */
    private static String struct(List<Column> columns, List<String> names) {
        Map<String, Column> byName = columns.stream().collect(Collectors.toMap(Column::name, col -> col));
        return names.stream().map(n -> "'" + n.replace("'", "''") + "': '"
                        + (byName.containsKey(n) ? byName.get(n).readType() : "VARCHAR") + "'")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static void reportRejects(Connection c, TableSpec table, Path file) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT line, column_name, error_type, csv_line, error_message, "
                     + "count(*) OVER () FROM import_rejects ORDER BY line LIMIT 1")) {
            if (rs.next()) {
                String column = rs.getString(2);
                throw new WarehouseImportException(file + " line " + rs.getLong(1)
                        + (column == null || column.isBlank() ? "" : ", column " + column) + ": "
                        + rs.getString(3) + " error: " + firstLine(rs.getString(5)) + " (" + rs.getLong(6)
                        + " bad line(s) in the file; table " + table.name() + ")");
            }
        }
    }

    /** Checks a staged table; returns the number of exact duplicate rows that the import drops. */
    private static long check(Connection c, TableSpec table, List<Column> columns, List<Path> files)
            throws SQLException {
        String stage = stageTable(table.name());
        for (Column col : columns) {
            if (col.nullable()) {
                continue;
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT _file, _line FROM " + stage + " WHERE " + quote(col.name())
                         + " IS NULL ORDER BY _file, _line LIMIT 1")) {
                if (rs.next()) {
                    throw new WarehouseImportException(position(files, rs.getInt(1), rs.getLong(2)) + ", column "
                            + col.name() + ": empty, but " + table.name() + "." + col.name() + " is required");
                }
            }
        }
        String cols = columns.stream().map(col -> quote(col.name())).collect(Collectors.joining(", "));
        String key = table.key().stream().map(WarehouseImporter::quote).collect(Collectors.joining(", "));
        // an exact duplicate and a conflict both repeat a key: without a repeated key (a clean export) the passes
        // over every column below, the slowest part of an import, have nothing to find
        if (count(c, "SELECT count(*) FROM (SELECT 1 FROM " + stage + " GROUP BY " + key
                + " HAVING count(*) > 1)") == 0) {
            return 0;
        }
        String rows = "SELECT " + cols + ", min(_file::BIGINT * 1000000000000 + _line) AS pos FROM " + stage
                + " GROUP BY ALL";
        String conflict = "WITH d AS (" + rows + "), k AS (SELECT " + key + " FROM d GROUP BY " + key
                + " HAVING count(*) > 1 ORDER BY min(pos) LIMIT 1) SELECT pos FROM d JOIN k USING (" + key
                + ") ORDER BY pos LIMIT 2";
        List<Long> positions = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(conflict)) {
            while (rs.next()) {
                positions.add(rs.getLong(1));
            }
        }
        if (!positions.isEmpty()) {
            long a = positions.get(0);
            long b = positions.get(1);
            throw new WarehouseImportException(position(files, (int) (b / 1_000_000_000_000L),
                    b % 1_000_000_000_000L) + ", column " + String.join("+", table.key()) + ": duplicate primary key "
                    + "of " + table.name() + ", already on " + position(files, (int) (a / 1_000_000_000_000L),
                    a % 1_000_000_000_000L) + " with other values");
        }
        long all = count(c, "SELECT count(*) FROM " + stage);
        long distinct = count(c, "SELECT count(*) FROM (SELECT DISTINCT " + cols + " FROM " + stage + ")");
        return all - distinct;
    }

    private static String position(List<Path> files, int file, long line) {
        Path p = files.get(file);
        return p + (format(p) == Format.PARQUET ? " row " : " line ") + line;
    }

    private static String distinct(String table, Map<String, List<Column>> schema) {
        return "(SELECT DISTINCT " + schema.get(table).stream().map(col -> quote(col.name()))
                .collect(Collectors.joining(", ")) + " FROM " + stageTable(table) + ")";
    }

    private static TableSpec spec(String name) {
        return TABLES.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    // ---- swap -------------------------------------------------------------------------------------------------

    /** Replaces the thelook tables in one transaction; tables in {@code deduplicate} keep one row per exact copy. */
    private static void swap(Connection c, Map<TableSpec, List<Path>> files, Map<String, List<Column>> schema,
                             Set<String> deduplicate, Map<String, Long> rows, String fingerprint) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            for (TableSpec table : TABLES) {
                st.execute("DROP TABLE IF EXISTS " + table.name());
            }
            st.execute("DROP TABLE IF EXISTS thelook_meta");
            st.execute("DROP TABLE IF EXISTS " + IMPORT_TABLE);
            TheLookGenerator.createSchema(c);
            st.execute("CREATE TABLE " + IMPORT_TABLE + " (table_name VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, "
                    + "files INTEGER NOT NULL, row_count BIGINT NOT NULL, fingerprint VARCHAR NOT NULL, "
                    + "imported_at TIMESTAMP NOT NULL)");
            for (Map.Entry<TableSpec, List<Path>> e : files.entrySet()) {
                String name = e.getKey().name();
                String cols = schema.get(name).stream().map(col -> quote(col.name()))
                        .collect(Collectors.joining(", "));
                long n = st.executeUpdate("INSERT INTO " + name + " (" + cols + ") SELECT "
                        + (deduplicate.contains(name) ? "DISTINCT " : "") + cols + " FROM "
                        + stageTable(name) + " ORDER BY " + e.getKey().key().stream().map(WarehouseImporter::quote)
                        .collect(Collectors.joining(", ")));
                rows.put(name, n);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + IMPORT_TABLE
                        + " VALUES (?, ?, ?, ?, ?, current_timestamp AT TIME ZONE 'UTC')")) {
                    ps.setString(1, name);
                    ps.setString(2, e.getValue().size() == 1 ? e.getValue().get(0).toString()
                            : e.getValue().get(0).getParent().toString());
                    ps.setInt(3, e.getValue().size());
                    ps.setLong(4, n);
                    ps.setString(5, fingerprint);
                    ps.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void dropStages(Connection c) {
        try (Statement st = c.createStatement()) {
            for (TableSpec table : TABLES) {
                st.execute("DROP TABLE IF EXISTS " + stageTable(table.name()));
            }
            st.execute("DROP TABLE IF EXISTS import_rejects");
            st.execute("DROP TABLE IF EXISTS import_reject_scans");
        } catch (SQLException e) {
            // temporary tables vanish with the connection anyway
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM information_schema.tables "
                + "WHERE table_schema = 'main' AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(Path file) {
        return "'" + file.toAbsolutePath().normalize().toString().replace("'", "''") + "'";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "(no message)";
        }
        return text.strip().lines().findFirst().orElse(text);
    }
}
