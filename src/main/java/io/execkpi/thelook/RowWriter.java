package io.execkpi.thelook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes generated rows with batched prepared statements (one executeBatch per table per day, no
 * queries). Timestamps are bound as {@link LocalDateTime} in UTC, never as {@code java.sql.Timestamp},
 * so the JVM's default time zone cannot shift them.
 */
final class RowWriter implements AutoCloseable {

    private final Simulation sim;
    private final PreparedStatement users;
    private final PreparedStatement orders;
    private final PreparedStatement orderItems;
    private final PreparedStatement inventory;
    private final PreparedStatement events;
    private final PreparedStatement assignments;
    private final PreparedStatement meta;

    long userRows;
    long orderRows;
    long orderItemRows;
    long inventoryRows;
    long eventRows;
    long assignmentRows;

    RowWriter(Connection c, Simulation sim) throws SQLException {
        this.sim = sim;
        users = c.prepareStatement("INSERT INTO users (id, first_name, last_name, email, age, gender, state, "
            + "street_address, postal_code, city, country, latitude, longitude, traffic_source, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        orders = c.prepareStatement("INSERT INTO orders (order_id, user_id, status, gender, created_at, "
            + "returned_at, shipped_at, delivered_at, num_of_item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        orderItems = c.prepareStatement("INSERT INTO order_items (id, order_id, user_id, product_id, "
            + "inventory_item_id, status, created_at, shipped_at, delivered_at, returned_at, sale_price) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        inventory = c.prepareStatement("INSERT INTO inventory_items (id, product_id, created_at, sold_at, cost, "
            + "product_category, product_name, product_brand, product_retail_price, product_department, "
            + "product_sku, product_distribution_center_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        events = c.prepareStatement("INSERT INTO events (id, user_id, sequence_number, session_id, created_at, "
            + "ip_address, city, state, postal_code, browser, traffic_source, uri, event_type) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        assignments = c.prepareStatement(
            "INSERT INTO assignments (user_id, experiment_id, variant, assigned_at) VALUES (?, ?, ?, ?)");
        meta = c.prepareStatement("UPDATE thelook_meta SET last_generated = ? WHERE id = 1");
    }

    static LocalDateTime ts(long epochSecond) {
        return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    }

    private static void setTs(PreparedStatement ps, int index, long epochSecond) throws SQLException {
        if (epochSecond < 0) {
            ps.setNull(index, Types.TIMESTAMP);
        } else {
            ps.setObject(index, ts(epochSecond));
        }
    }

    /** Adds the day's rows and the meta update to the batches and executes them (no commit). */
    void write(Simulation.Day day) throws SQLException {
        for (UserProfile u : day.newUsers) {
            users.setLong(1, u.id);
            users.setString(2, u.firstName);
            users.setString(3, u.lastName);
            users.setString(4, u.email);
            users.setInt(5, u.age);
            users.setString(6, String.valueOf(u.gender));
            users.setString(7, u.place.state());
            users.setString(8, u.streetAddress);
            users.setString(9, u.postalCode);
            users.setString(10, u.place.city());
            users.setString(11, u.place.country());
            users.setDouble(12, u.latitude);
            users.setDouble(13, u.longitude);
            users.setString(14, u.trafficSource);
            users.setObject(15, ts(u.createdAtSecond));
            users.addBatch();
            userRows++;
        }
        List<Experiments.Experiment> experiments = sim.experiments;
        for (Simulation.Session s : day.sessions) {
            long userId = s.user == null ? 0 : s.user.id;
            for (int i = 0; i < s.eventCount; i++) {
                events.setLong(1, sim.nextEventId++);
                if (userId == 0) {
                    events.setNull(2, Types.BIGINT);
                } else {
                    events.setLong(2, userId);
                }
                events.setInt(3, i + 1);
                events.setString(4, s.sessionId);
                events.setObject(5, ts(s.start + s.offsets[i]));
                events.setString(6, s.ipAddress);
                events.setString(7, s.city);
                events.setString(8, s.state);
                events.setString(9, s.postalCode);
                events.setString(10, s.browser);
                events.setString(11, s.trafficSource);
                events.setString(12, uri(s.types[i], s.productIds[i]));
                events.setString(13, Catalog.EVENT_TYPES[s.types[i]]);
                events.addBatch();
                eventRows++;
            }
            if (s.assign != null) {
                for (int k = 0; k < s.assign.length; k++) {
                    if (s.assign[k] >= 0) {
                        Experiments.Experiment e = experiments.get(k);
                        assignments.setLong(1, userId);
                        assignments.setString(2, e.id());
                        assignments.setString(3, e.variants().get(s.assign[k]).name());
                        assignments.setObject(4, ts(s.start));
                        assignments.addBatch();
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
        meta.setObject(1, LocalDate.ofEpochDay(day.epochDay));
        meta.executeUpdate();
        users.executeBatch();
        events.executeBatch();
        orders.executeBatch();
        orderItems.executeBatch();
        inventory.executeBatch();
        assignments.executeBatch();
    }

    private void writeOrder(Simulation.Session s, long userId) throws SQLException {
        Simulation.Order o = s.order;
        long orderId = sim.nextOrderId++;
        long created = s.start + o.createdOffset;
        long shipped = o.shippedAfter < 0 ? -1 : created + o.shippedAfter;
        long delivered = o.deliveredAfter < 0 ? -1 : created + o.deliveredAfter;
        long returned = o.returnedAfter < 0 ? -1 : created + o.returnedAfter;
        String status = Catalog.ORDER_STATUSES[o.status];
        orders.setLong(1, orderId);
        orders.setLong(2, userId);
        orders.setString(3, status);
        orders.setString(4, String.valueOf(s.user.gender));
        orders.setObject(5, ts(created));
        setTs(orders, 6, returned);
        setTs(orders, 7, shipped);
        setTs(orders, 8, delivered);
        orders.setInt(9, o.productIds.length);
        orders.addBatch();
        orderRows++;
        for (int i = 0; i < o.productIds.length; i++) {
            Catalog.Product p = sim.catalog.product(o.productIds[i]);
            long inventoryId = sim.nextInventoryId++;
            addInventory(inventoryId, p, created - o.stockAgeSeconds[i], created);
            orderItems.setLong(1, sim.nextOrderItemId++);
            orderItems.setLong(2, orderId);
            orderItems.setLong(3, userId);
            orderItems.setInt(4, p.id());
            orderItems.setLong(5, inventoryId);
            orderItems.setString(6, status);
            orderItems.setObject(7, ts(created));
            setTs(orderItems, 8, shipped);
            setTs(orderItems, 9, delivered);
            setTs(orderItems, 10, returned);
            orderItems.setDouble(11, p.retailPrice());
            orderItems.addBatch();
            orderItemRows++;
        }
    }

    private void addInventory(long id, Catalog.Product p, long createdAt, long soldAt) throws SQLException {
        inventory.setLong(1, id);
        inventory.setInt(2, p.id());
        inventory.setObject(3, ts(createdAt));
        setTs(inventory, 4, soldAt);
        inventory.setDouble(5, p.cost());
        inventory.setString(6, p.category().name());
        inventory.setString(7, p.name());
        inventory.setString(8, p.brand());
        inventory.setDouble(9, p.retailPrice());
        inventory.setString(10, p.department());
        inventory.setString(11, p.sku());
        inventory.setInt(12, p.distributionCenterId());
        inventory.addBatch();
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

    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (PreparedStatement ps : new PreparedStatement[] {users, orders, orderItems, inventory, events,
            assignments, meta}) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
