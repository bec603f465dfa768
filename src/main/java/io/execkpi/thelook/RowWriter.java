package io.execkpi.thelook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes generated rows through DuckDB appenders (one per table, reused for every day; no queries) into one
 * transaction for a whole top-up. {@link #begin} updates {@code thelook_meta.last_generated} first, so that the
 * transaction is open before the first row is appended (an appender uses its connection's transaction; without one
 * it would commit on its own); {@link #finish} flushes every appender into that transaction. The caller's commit
 * then makes every day visible at once, a rollback (or a killed process) leaves the warehouse as it was.
 * Timestamps are appended as {@link LocalDateTime} in UTC, never as {@code java.util.Date}, so the JVM's default
 * time zone cannot shift them.
 */
final class RowWriter implements AutoCloseable {

    private final Simulation sim;
    private final DuckDBAppender users;
    private final DuckDBAppender orders;
    private final DuckDBAppender orderItems;
    private final DuckDBAppender inventory;
    private final DuckDBAppender events;
    private final DuckDBAppender assignments;
    private final PreparedStatement meta;

    long userRows;
    long orderRows;
    long orderItemRows;
    long inventoryRows;
    long eventRows;
    long assignmentRows;

    RowWriter(Connection c, Simulation sim) throws SQLException {
        this.sim = sim;
        DuckDBConnection duck = c.unwrap(DuckDBConnection.class);
        // column order of every appender = column order of the table in /thelook/schema.sql
        users = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "users");
        orders = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "orders");
        orderItems = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "order_items");
        inventory = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "inventory_items");
        events = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "events");
        assignments = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "assignments");
        meta = c.prepareStatement("UPDATE thelook_meta SET last_generated = ? WHERE id = 1");
    }

    static LocalDateTime ts(long epochSecond) {
        return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    }

    private static void appendTs(DuckDBAppender a, long epochSecond) throws SQLException {
        if (epochSecond < 0) {
            a.appendNull();
        } else {
            a.append(ts(epochSecond));
        }
    }

    /** Opens the top-up's transaction with the meta update: {@code last_generated} becomes {@code through}. */
    void begin(LocalDate through) throws SQLException {
        meta.setObject(1, through);
        meta.executeUpdate();
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
                .append(u.trafficSource)
                .append(ts(u.createdAtSecond))
                .endRow();
            userRows++;
        }
        List<Experiments.Experiment> experiments = sim.experiments;
        for (Simulation.Session s : day.sessions) {
            long userId = s.user == null ? 0 : s.user.id;
            for (int i = 0; i < s.eventCount; i++) {
                events.beginRow().append(sim.nextEventId++);
                if (userId == 0) {
                    events.appendNull();
                } else {
                    events.append(userId);
                }
                events.append(i + 1)
                    .append(s.sessionId)
                    .append(ts(s.start + s.offsets[i]))
                    .append(s.ipAddress)
                    .append(s.city)
                    .append(s.state)
                    .append(s.postalCode)
                    .append(s.browser)
                    .append(s.trafficSource)
                    .append(uri(s.types[i], s.productIds[i]))
                    .append(Catalog.EVENT_TYPES[s.types[i]])
                    .endRow();
                eventRows++;
            }
            if (s.assign != null) {
                for (int k = 0; k < s.assign.length; k++) {
                    if (s.assign[k] >= 0) {
                        Experiments.Experiment e = experiments.get(k);
                        assignments.beginRow()
                            .append(userId)
                            .append(e.id())
                            .append(e.variants().get(s.assign[k]).name())
                            .append(ts(s.start))
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
            addInventory(sim.nextInventoryId++, sim.catalog.product(stock.productId()), stock.createdAtSecond(), -1);
        }
    }

    /** Flushes every appender into the open transaction (no commit). */
    void finish() throws SQLException {
        users.flush();
        events.flush();
        orders.flush();
        orderItems.flush();
        inventory.flush();
        assignments.flush();
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
            .append(String.valueOf(s.user.gender))
            .append(ts(created));
        appendTs(orders, returned);
        appendTs(orders, shipped);
        appendTs(orders, delivered);
        orders.append(o.productIds.length).endRow();
        orderRows++;
        for (int i = 0; i < o.productIds.length; i++) {
            Catalog.Product p = sim.catalog.product(o.productIds[i]);
            long inventoryId = sim.nextInventoryId++;
            addInventory(inventoryId, p, created - o.stockAgeSeconds[i], created);
            orderItems.beginRow()
                .append(sim.nextOrderItemId++)
                .append(orderId)
                .append(userId)
                .append(p.id())
                .append(inventoryId)
                .append(status)
                .append(ts(created));
            appendTs(orderItems, shipped);
            appendTs(orderItems, delivered);
            appendTs(orderItems, returned);
            orderItems.append(p.retailPrice()).endRow();
            orderItemRows++;
        }
    }

    private void addInventory(long id, Catalog.Product p, long createdAt, long soldAt) throws SQLException {
        inventory.beginRow()
            .append(id)
            .append(p.id())
            .append(ts(createdAt));
        appendTs(inventory, soldAt);
        inventory.append(p.cost())
            .append(p.category().name())
            .append(p.name())
            .append(p.brand())
            .append(p.retailPrice())
            .append(p.department())
            .append(p.sku())
            .append(p.distributionCenterId())
            .endRow();
        inventoryRows++;
    }

    private String uri(byte type, int productId) {
        return switch (type) {
            case Catalog.EV_HOME -> "/home";
            case Catalog.EV_DEPARTMENT -> sim.catalog.product(productId).departmentUri();
            case Catalog.EV_PRODUCT -> sim.catalog.product(productId).productUri();
            case Catalog.EV_CART -> "/cart";
            case Catalog.EV_PURCHASE -> "/purchase";
            default -> "/cancel";
        };
    }

    /**
     * Closes the appenders and the statement. Rows still buffered (only after a failure before {@link #finish}) are
     * flushed into the connection's open transaction, which the caller rolls back.
     */
    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (AutoCloseable resource : new AutoCloseable[] {users, orders, orderItems, inventory, events, assignments,
            meta}) {
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
