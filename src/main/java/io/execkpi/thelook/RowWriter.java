package io.execkpi.thelook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes generated rows through DuckDB appenders into one transaction for a whole top-up. {@link #begin} updates
 * {@code thelook_meta.last_generated} first, so that the transaction is open before the first row is appended (an
 * appender uses its connection's transaction; without one it would commit on its own); {@link #finish} flushes every
 * appender into that transaction. The caller's commit then makes every day visible at once, a rollback (or a killed
 * process) leaves the warehouse as it was.
 *
 * <p>The two wide tables are staged: {@code events} repeats its session's six text columns on every row and
 * {@code inventory_items} repeats its product's columns, and the appender hands every text value of 12 bytes or more
 * to DuckDB in a JNI call of its own (profiled: most of the generation's time went there and into the appender's
 * per-2048-row flushes). So the writer appends one row per session to the
 * temporary table {@code gen_sessions}, numbers-only rows to {@code gen_events} and {@code gen_inventory}, and once
 * {@link #STAGED_EVENTS_PER_MOVE} events (by default) are staged (and at {@link #finish}) moves them with one
 * {@code INSERT INTO ... SELECT} that joins the session, the product URIs ({@code gen_product_uris}) and
 * {@code products} back in. The staging tables are temporary tables of the same connection and transaction (a
 * rollback drops them with the rest); they are dropped and recreated after every move so that DuckDB's memory holds
 * at most one batch. The rows, their values and their physical order (ids ascending) are the same as appending them
 * one by one.
 *
 * <p>Timestamps are appended as epoch microseconds (UTC), never through {@code java.util.Date}, so the JVM's default
 * time zone cannot shift them.
 */
final class RowWriter implements AutoCloseable {

    /** Staged event rows that trigger a move into {@code events} (bounds DuckDB's memory for the staging tables). */
    static final int STAGED_EVENTS_PER_MOVE = 1 << 20;

    private static final String[] STAGING_TABLES = {
        "CREATE OR REPLACE TEMP TABLE gen_sessions (sidx BIGINT, user_id BIGINT, session_id VARCHAR, "
            + "ip_address VARCHAR, city VARCHAR, state VARCHAR, postal_code VARCHAR, browser VARCHAR, "
            + "traffic_source VARCHAR)",
        "CREATE OR REPLACE TEMP TABLE gen_events (id BIGINT, sidx BIGINT, sequence_number INTEGER, "
            + "created_at TIMESTAMP, event_type TINYINT, product_id INTEGER)",
        "CREATE OR REPLACE TEMP TABLE gen_inventory (id BIGINT, product_id INTEGER, created_at TIMESTAMP, "
            + "sold_at TIMESTAMP)"};

    private static final String MOVE_EVENTS = "INSERT INTO events SELECT e.id, s.user_id, e.sequence_number, "
        + "s.session_id, e.created_at, s.ip_address, s.city, s.state, s.postal_code, s.browser, s.traffic_source, "
        + "CASE e.event_type WHEN " + Catalog.EV_HOME + " THEN '/home' WHEN " + Catalog.EV_DEPARTMENT
        + " THEN u.department_uri WHEN " + Catalog.EV_PRODUCT + " THEN u.product_uri WHEN " + Catalog.EV_CART
        + " THEN '/cart' WHEN " + Catalog.EV_PURCHASE + " THEN '/purchase' ELSE '/cancel' END, "
        + eventTypeCase() + " FROM gen_events e JOIN gen_sessions s ON s.sidx = e.sidx "
        + "LEFT JOIN gen_product_uris u ON u.product_id = e.product_id ORDER BY e.id";

    private static final String MOVE_INVENTORY = "INSERT INTO inventory_items SELECT g.id, g.product_id, "
        + "g.created_at, g.sold_at, p.cost, p.category, p.name, p.brand, p.retail_price, p.department, p.sku, "
        + "p.distribution_center_id FROM gen_inventory g JOIN products p ON p.id = g.product_id ORDER BY g.id";

    private final Simulation sim;
    private final int stagedEventsPerMove;
    private final Connection connection;
    private final DuckDBConnection duck;
    private final DuckDBAppender users;
    private final DuckDBAppender orders;
    private final DuckDBAppender orderItems;
    private final DuckDBAppender assignments;
    private final PreparedStatement meta;
    private DuckDBAppender stagedSessions;
    private DuckDBAppender stagedEvents;
    private DuckDBAppender stagedInventory;
    private long nextSessionIndex;
    private long stagedEventRows;
    private long stagedInventoryRows;

    long userRows;
    long orderRows;
    long orderItemRows;
    long inventoryRows;
    long eventRows;
    long assignmentRows;

    /**
     * @param c                   the DuckDB connection of the top-up, auto-commit off
     * @param sim                 the simulation whose days are written (its id counters advance here)
     * @param stagedEventsPerMove staged events that trigger a move ({@link #STAGED_EVENTS_PER_MOVE} in production)
     */
    RowWriter(Connection c, Simulation sim, int stagedEventsPerMove) throws SQLException {
        if (stagedEventsPerMove < 1) {
            throw new IllegalArgumentException("stagedEventsPerMove must be >= 1");
        }
        this.sim = sim;
        this.stagedEventsPerMove = stagedEventsPerMove;
        this.connection = c;
        duck = c.unwrap(DuckDBConnection.class);
        // column order of every appender = column order of the table in /thelook/schema.sql
        users = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "users");
        orders = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "orders");
        orderItems = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "order_items");
        assignments = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "assignments");
        meta = c.prepareStatement("UPDATE thelook_meta SET last_generated = ? WHERE id = 1");
    }

    private static String eventTypeCase() {
        StringBuilder sql = new StringBuilder("CASE e.event_type");
        for (int type = 0; type < Catalog.EVENT_TYPES.length; type++) {
            sql.append(" WHEN ").append(type).append(" THEN '").append(Catalog.EVENT_TYPES[type]).append('\'');
        }
        return sql.append(" END").toString();
    }

    /** Appends a TIMESTAMP given in epoch seconds (UTC); a negative value appends NULL. */
    private static void appendTs(DuckDBAppender a, long epochSecond) throws SQLException {
        if (epochSecond < 0) {
            a.appendNull();
        } else {
            a.appendEpochMicros(epochSecond * 1_000_000L);
        }
    }

    /**
     * Opens the top-up's transaction with the meta update ({@code last_generated} becomes {@code through}), then
     * creates the staging tables and the product URIs the event move joins.
     */
    void begin(LocalDate through) throws SQLException {
        meta.setObject(1, through);
        meta.executeUpdate();
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE OR REPLACE TEMP TABLE gen_product_uris (product_id INTEGER, department_uri VARCHAR, "
                + "product_uri VARCHAR)");
        }
        try (DuckDBAppender uris = duck.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "gen_product_uris")) {
            for (Catalog.Product p : sim.catalog.products) {
                uris.beginRow().append(p.id()).append(p.departmentUri()).append(p.productUri()).endRow();
            }
        }
        openStaging();
    }

    private void openStaging() throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String sql : STAGING_TABLES) {
                st.execute(sql);
            }
        }
        stagedSessions = duck.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "gen_sessions");
        stagedEvents = duck.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "gen_events");
        stagedInventory = duck.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "gen_inventory");
    }

    /** Moves the staged rows into {@code events} and {@code inventory_items}, then empties the staging tables. */
    private void moveStaged() throws SQLException {
        stagedSessions.close();
        stagedEvents.close();
        stagedInventory.close();
        try (Statement st = connection.createStatement()) {
            if (stagedEventRows > 0) {
                st.executeUpdate(MOVE_EVENTS);
            }
            if (stagedInventoryRows > 0) {
                st.executeUpdate(MOVE_INVENTORY);
            }
            st.execute("DROP TABLE temp.gen_sessions");
            st.execute("DROP TABLE temp.gen_events");
            st.execute("DROP TABLE temp.gen_inventory");
        }
        stagedEventRows = 0;
        stagedInventoryRows = 0;
    }

    /** Appends the day's rows (after {@link #begin}; no commit). */
    void write(Simulation.Day day) throws SQLException {
        for (UserProfile u : day.newUsers) {
            users.beginRow()
                .append(u.id)
                .append(u.firstName)
                .append(u.lastName)
                .append(u.email)
                .append(u.age)
                .append(String.valueOf(u.gender))
                .append(u.place.state())
                .append(u.streetAddress)
                .append(u.postalCode)
                .append(u.place.city())
                .append(u.place.country())
                .append(u.latitude)
                .append(u.longitude)
                .append(u.trafficSource);
            appendTs(users, u.createdAtSecond);
            users.endRow();
            userRows++;
        }
        List<Experiments.Experiment> experiments = sim.experiments;
        for (Simulation.Session s : day.sessions) {
            long userId = s.user == null ? 0 : s.user.id;
            long sessionIndex = nextSessionIndex++;
            stagedSessions.beginRow().append(sessionIndex);
            if (userId == 0) {
                stagedSessions.appendNull();
            } else {
                stagedSessions.append(userId);
            }
            stagedSessions.append(s.sessionId)
                .append(s.ipAddress)
                .append(s.city)
                .append(s.state)
                .append(s.postalCode)
                .append(s.browser)
                .append(s.trafficSource)
                .endRow();
            for (int i = 0; i < s.eventCount; i++) {
                stagedEvents.beginRow()
                    .append(sim.nextEventId++)
                    .append(sessionIndex)
                    .append(i + 1)
                    .appendEpochMicros((s.start + s.offsets[i]) * 1_000_000L)
                    .append(s.types[i])
                    .append(s.productIds[i])
                    .endRow();
                eventRows++;
                stagedEventRows++;
            }
            if (s.assign != null) {
                for (int k = 0; k < s.assign.length; k++) {
                    if (s.assign[k] >= 0) {
                        Experiments.Experiment e = experiments.get(k);
                        assignments.beginRow()
                            .append(userId)
                            .append(e.id())
                            .append(e.variants().get(s.assign[k]).name())
                            .appendEpochMicros(s.start * 1_000_000L)
                            .endRow();
                        assignmentRows++;
                    }
                }
            }
            if (s.order != null) {
                writeOrder(s, userId);
            }
        }
        for (Simulation.Stock stock : day.stock) {
            addInventory(sim.nextInventoryId++, stock.productId(), stock.createdAtSecond(), -1);
        }
        if (stagedEventRows >= stagedEventsPerMove) {
            moveStaged();
            openStaging();
        }
    }

    /** Flushes every appender and moves the staged rows into the open transaction (no commit). */
    void finish() throws SQLException {
        users.flush();
        orders.flush();
        orderItems.flush();
        assignments.flush();
        moveStaged();
        try (Statement st = connection.createStatement()) {
            st.execute("DROP TABLE temp.gen_product_uris");
        }
    }

    private void writeOrder(Simulation.Session s, long userId) throws SQLException {
        Simulation.Order o = s.order;
        long orderId = sim.nextOrderId++;
        long created = s.start + o.createdOffset;
        long shipped = o.shippedAfter < 0 ? -1 : created + o.shippedAfter;
        long delivered = o.deliveredAfter < 0 ? -1 : created + o.deliveredAfter;
        long returned = o.returnedAfter < 0 ? -1 : created + o.returnedAfter;
        String status = Catalog.ORDER_STATUSES[o.status];
        orders.beginRow()
            .append(orderId)
            .append(userId)
            .append(status)
            .append(String.valueOf(s.user.gender));
        appendTs(orders, created);
        appendTs(orders, returned);
        appendTs(orders, shipped);
        appendTs(orders, delivered);
        orders.append(o.productIds.length).endRow();
        orderRows++;
        for (int i = 0; i < o.productIds.length; i++) {
            Catalog.Product p = sim.catalog.product(o.productIds[i]);
            long inventoryId = sim.nextInventoryId++;
            addInventory(inventoryId, p.id(), created - o.stockAgeSeconds[i], created);
            orderItems.beginRow()
                .append(sim.nextOrderItemId++)
                .append(orderId)
                .append(userId)
                .append(p.id())
                .append(inventoryId)
                .append(status);
            appendTs(orderItems, created);
            appendTs(orderItems, shipped);
            appendTs(orderItems, delivered);
            appendTs(orderItems, returned);
            orderItems.append(p.retailPrice()).endRow();
            orderItemRows++;
        }
    }

    /** Stages an inventory item; its product columns are joined from {@code products} when it is moved. */
    private void addInventory(long id, int productId, long createdAt, long soldAt) throws SQLException {
        stagedInventory.beginRow()
            .append(id)
            .append(productId)
            .appendEpochMicros(createdAt * 1_000_000L);
        appendTs(stagedInventory, soldAt);
        stagedInventory.endRow();
        inventoryRows++;
        stagedInventoryRows++;
    }

    /**
     * Closes the appenders and the statement. Rows still buffered (only after a failure before {@link #finish}) are
     * flushed into the connection's open transaction, which the caller rolls back.
     */
    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (AutoCloseable resource : new AutoCloseable[] {users, orders, orderItems, assignments, stagedSessions,
            stagedEvents, stagedInventory, meta}) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                SQLException sql = e instanceof SQLException se ? se : new SQLException(e);
                if (failure == null) {
                    failure = sql;
                } else {
                    failure.addSuppressed(sql);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
