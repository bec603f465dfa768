package io.execkpi.thelook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Deterministic generator of a thelook-style ecommerce warehouse in DuckDB (JDBC plus DuckDB's appender, no
 * framework).
 *
 * <p>{@link #generateThrough} creates the schema when missing ({@code /thelook/schema.sql}), writes the
 * static tables once (distribution centers, products, experiments, experiment variants, the
 * {@code thelook_meta} row) and then generates every missing day up to the requested date. All the
 * missing days' rows and the {@code thelook_meta.last_generated} update commit in one transaction, so a
 * top-up that fails or is killed half-way leaves the warehouse as it was before it: the next run
 * generates the same days again. The same settings always give the same rows, and topping up day by day
 * gives exactly the rows of one run over the whole span.
 *
 * <p>Not thread-safe across processes: run one generator per warehouse at a time (calls on one instance
 * are serialised).
 */
public final class TheLookGenerator {

    static final String SCHEMA_RESOURCE = "/thelook/schema.sql";

    private final TheLookSettings settings;
    private final int stagedEventsPerMove;

    /** A generator for these settings (seed, scale, optional start). */
    public TheLookGenerator(TheLookSettings settings) {
        this(settings, RowWriter.STAGED_EVENTS_PER_MOVE);
    }

    /** For tests: moves staged rows after every {@code stagedEventsPerMove} events instead of about a million. */
    TheLookGenerator(TheLookSettings settings, int stagedEventsPerMove) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.stagedEventsPerMove = stagedEventsPerMove;
    }

    /** The settings this generator was built with. */
    public TheLookSettings settings() {
        return settings;
    }

    /**
     * Creates the schema if missing and generates every day from the first missing day through
     * {@code through} inclusive; a no-op when those days are already there.
     *
     * @param warehouse a DuckDB database (the rows are written through {@code DuckDBConnection.createAppender})
     * @param through   last day to generate
     * @return what was generated (zero days when nothing was missing)
     * @throws SQLException when the warehouse fails; the whole top-up is rolled back (the warehouse is as before)
     * @throws IllegalStateException when the warehouse was generated with other settings (the message
     *                               names the setting and how to fix it) or is inconsistent
     */
    public synchronized GenerationSummary generateThrough(DataSource warehouse, LocalDate through)
        throws SQLException {
        Objects.requireNonNull(warehouse, "warehouse");
        Objects.requireNonNull(through, "through");
        long began = System.nanoTime();
        try (Connection c = warehouse.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                c.setAutoCommit(true);
                createSchema(c);
                c.setAutoCommit(false);
                return generate(c, through, began);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private GenerationSummary generate(Connection c, LocalDate through, long began) throws SQLException {
        Meta meta = readMeta(c);
        LocalDate start;
        if (meta == null) {
            if (count(c, "users") > 0 || count(c, "products") > 0 || count(c, "events") > 0) {
                throw new IllegalStateException("The thelook warehouse has data but no thelook_meta row, so its "
                    + "settings are unknown: delete the warehouse data directory and let the generator rebuild it");
            }
            start = settings.start() != null ? settings.start() : TheLookSettings.defaultStart(through);
            initialize(c, start);
            c.commit();
            meta = new Meta(settings.seed(), settings.scale(), start, null);
        } else {
            checkSettings(meta);
            start = meta.startDate();
        }
        LocalDate first = meta.lastGenerated() == null ? start : meta.lastGenerated().plusDays(1);
        if (through.isBefore(first)) {
            return new GenerationSummary(null, null, 0, 0, 0, 0, 0, 0, 0, meta.lastGenerated(),
                Duration.ofNanos(System.nanoTime() - began));
        }

        Simulation sim = new Simulation(settings.seed(), settings.scale(), start.toEpochDay(),
            new Catalog(settings.seed(), settings.scale()));
        sim.openWindow(first.toEpochDay(), through.toEpochDay());
        restore(c, sim);

        try (RowWriter writer = new RowWriter(c, sim, stagedEventsPerMove)) {
            writer.begin(through);
            for (long day = first.toEpochDay(); day <= through.toEpochDay(); day++) {
                writer.write(sim.simulate(day));
            }
            writer.finish();
            c.commit();
            return new GenerationSummary(first, through, (int) (through.toEpochDay() - first.toEpochDay() + 1),
                writer.userRows, writer.orderRows, writer.orderItemRows, writer.eventRows, writer.inventoryRows,
                writer.assignmentRows, through, Duration.ofNanos(System.nanoTime() - began));
        }
    }

    // ---- schema and static tables -------------------------------------------------------------

    /**
     * Runs every statement of the schema resource ({@code /thelook/schema.sql}, all {@code IF NOT EXISTS}) on
     * {@code c}: creates the thelook tables that are missing and leaves existing ones alone.
     *
     * @param c a DuckDB connection; the statements run in its current transaction mode
     * @throws SQLException when a statement fails
     */
    public static void createSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : schemaStatements()) {
                st.execute(sql);
            }
        }
    }

    static List<String> schemaStatements() {
        String text;
        try (InputStream in = TheLookGenerator.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + SCHEMA_RESOURCE + " is missing");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder withoutComments = new StringBuilder();
        for (String line : text.split("\n")) {
            int comment = line.indexOf("--");
            withoutComments.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> statements = new ArrayList<>();
        for (String sql : withoutComments.toString().split(";")) {
            if (!sql.isBlank()) {
                statements.add(sql.strip());
            }
        }
        return statements;
    }

    /** Writes the static tables through appenders (prepared statements bind slowly on DuckDB), then the meta row. */
    private void initialize(Connection c, LocalDate start) throws SQLException {
        DuckDBConnection duck = c.unwrap(DuckDBConnection.class);
        // the meta row first: it opens the transaction the appenders write into
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO thelook_meta (id, seed, scale, start_date, "
            + "last_generated) VALUES (1, ?, ?, ?, NULL)")) {
            ps.setLong(1, settings.seed());
            ps.setDouble(2, settings.scale());
            ps.setObject(3, start);
            ps.executeUpdate();
        }
        try (DuckDBAppender dc = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "distribution_centers")) {
            for (Catalog.DistributionCenter d : Catalog.DISTRIBUTION_CENTERS) {
                dc.beginRow().append(d.id()).append(d.name()).append(d.latitude()).append(d.longitude()).endRow();
            }
        }
        Catalog catalog = new Catalog(settings.seed(), settings.scale());
        try (DuckDBAppender products = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "products")) {
            for (Catalog.Product p : catalog.products) {
                products.beginRow().append(p.id()).append(p.cost()).append(p.category().name()).append(p.name())
                    .append(p.brand()).append(p.retailPrice()).append(p.department()).append(p.sku())
                    .append(p.distributionCenterId()).endRow();
            }
        }
        try (DuckDBAppender ex = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "experiments");
             DuckDBAppender var = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "experiment_variants")) {
            for (Experiments.Experiment e : Experiments.ALL) {
                ex.beginRow().append(e.id()).append(e.name()).append(e.description()).append(e.startDate(start));
                ex.appendNull().endRow();
                for (Experiments.Variant v : e.variants()) {
                    var.beginRow().append(e.id()).append(v.name()).append(v.weight()).append(v.control()).endRow();
                }
            }
        }
    }

    // ---- settings check and state rebuild -----------------------------------------------------

    record Meta(long seed, double scale, LocalDate startDate, LocalDate lastGenerated) {
    }

    static Meta readMeta(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                 "SELECT seed, scale, start_date, last_generated FROM thelook_meta WHERE id = 1")) {
            if (!rs.next()) {
                return null;
            }
            return new Meta(rs.getLong(1), rs.getDouble(2), rs.getObject(3, LocalDate.class),
                rs.getObject(4, LocalDate.class));
        }
    }

    private void checkSettings(Meta meta) {
        List<String> differences = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        if (meta.seed() != settings.seed()) {
            differences.add("seed (warehouse " + meta.seed() + ", configured " + settings.seed() + ")");
            fixes.add("execkpi.thelook.seed=" + meta.seed());
        }
        if (Double.compare(meta.scale(), settings.scale()) != 0) {
            differences.add("scale (warehouse " + meta.scale() + ", configured " + settings.scale() + ")");
            fixes.add("execkpi.thelook.scale=" + meta.scale());
        }
        if (settings.start() != null && !settings.start().equals(meta.startDate())) {
            differences.add("start (warehouse " + meta.startDate() + ", configured " + settings.start() + ")");
            fixes.add("execkpi.thelook.start=" + meta.startDate());
        }
        if (!differences.isEmpty()) {
            throw new IllegalStateException("The thelook warehouse was generated with different settings: "
                + String.join(", ", differences) + ". Either delete the warehouse data directory so that it is "
                + "regenerated with the new settings, or go back to the old settings (" + String.join(", ", fixes)
                + ").");
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long maxId(Connection c, String table, String column) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(" + column + "), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rebuilds the in-memory state from the tables and the per-user random streams. */
    private static void restore(Connection c, Simulation sim) throws SQLException {
        sim.nextOrderId = maxId(c, "orders", "order_id") + 1;
        sim.nextOrderItemId = maxId(c, "order_items", "id") + 1;
        sim.nextEventId = maxId(c, "events", "id") + 1;
        sim.nextInventoryId = maxId(c, "inventory_items", "id") + 1;
        try (Statement st = c.createStatement()) {
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery("SELECT id, created_at FROM users ORDER BY id")) {
                while (rs.next()) {
                    LocalDateTime created = rs.getObject(2, LocalDateTime.class);
                    sim.restoreUser(rs.getLong(1), created.toEpochSecond(ZoneOffset.UTC));
                }
            }
        }
    }
}
