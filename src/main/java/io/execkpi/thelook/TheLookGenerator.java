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

/**
 * Deterministic generator of a thelook-style ecommerce warehouse (plain JDBC, no framework).
 *
 * <p>{@link #generateThrough} creates the schema when missing ({@code /thelook/schema.sql}), writes the
 * static tables once (distribution centers, products, experiments, experiment variants, the
 * {@code thelook_meta} row) and then generates every missing day up to the requested date. Each day's
 * rows and the {@code thelook_meta.last_generated} update commit in one transaction, so a crash never
 * leaves half a day: the next run regenerates that day. The same settings always give the same rows,
 * and topping up day by day gives exactly the rows of one run over the whole span.
 *
 * <p>Not thread-safe across processes: run one generator per warehouse at a time (calls on one instance
 * are serialised).
 */
public final class TheLookGenerator {

    static final String SCHEMA_RESOURCE = "/thelook/schema.sql";

    private final TheLookSettings settings;

    public TheLookGenerator(TheLookSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public TheLookSettings settings() {
        return settings;
    }

    /**
     * Creates the schema if missing and generates every day from the first missing day through
     * {@code through} inclusive; a no-op when those days are already there.
     *
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

        try (RowWriter writer = new RowWriter(c, sim)) {
            for (long day = first.toEpochDay(); day <= through.toEpochDay(); day++) {
                writer.write(sim.simulate(day));
                c.commit();
            }
            return new GenerationSummary(first, through, (int) (through.toEpochDay() - first.toEpochDay() + 1),
                writer.userRows, writer.orderRows, writer.orderItemRows, writer.eventRows, writer.inventoryRows,
                writer.assignmentRows, through, Duration.ofNanos(System.nanoTime() - began));
        }
    }

    // ---- schema and static tables -------------------------------------------------------------

    /** Runs every statement of the schema resource (all are {@code IF NOT EXISTS}). */
    static void createSchema(Connection c) throws SQLException {
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

    private void initialize(Connection c, LocalDate start) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO distribution_centers (id, name, latitude, longitude) VALUES (?, ?, ?, ?)")) {
            for (Catalog.DistributionCenter dc : Catalog.DISTRIBUTION_CENTERS) {
                ps.setInt(1, dc.id());
                ps.setString(2, dc.name());
                ps.setDouble(3, dc.latitude());
                ps.setDouble(4, dc.longitude());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Catalog catalog = new Catalog(settings.seed(), settings.scale());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO products (id, cost, category, name, brand, "
            + "retail_price, department, sku, distribution_center_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Catalog.Product p : catalog.products) {
                ps.setInt(1, p.id());
                ps.setDouble(2, p.cost());
                ps.setString(3, p.category().name());
                ps.setString(4, p.name());
                ps.setString(5, p.brand());
                ps.setDouble(6, p.retailPrice());
                ps.setString(7, p.department());
                ps.setString(8, p.sku());
                ps.setInt(9, p.distributionCenterId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ex = c.prepareStatement("INSERT INTO experiments (experiment_id, name, description, "
            + "start_date, end_date) VALUES (?, ?, ?, ?, NULL)");
             PreparedStatement var = c.prepareStatement("INSERT INTO experiment_variants (experiment_id, variant, "
                 + "weight, is_control) VALUES (?, ?, ?, ?)")) {
            for (Experiments.Experiment e : Experiments.ALL) {
                ex.setString(1, e.id());
                ex.setString(2, e.name());
                ex.setString(3, e.description());
                ex.setObject(4, e.startDate(start));
                ex.addBatch();
                for (Experiments.Variant v : e.variants()) {
                    var.setString(1, e.id());
                    var.setString(2, v.name());
                    var.setDouble(3, v.weight());
                    var.setBoolean(4, v.control());
                    var.addBatch();
                }
            }
            ex.executeBatch();
            var.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO thelook_meta (id, seed, scale, start_date, "
            + "last_generated) VALUES (1, ?, ?, ?, NULL)")) {
            ps.setLong(1, settings.seed());
            ps.setDouble(2, settings.scale());
            ps.setObject(3, start);
            ps.executeUpdate();
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
