package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static io.execkpi.warehouse.FixtureTables.ts;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.ml.features.FeatureTable;
import io.execkpi.ml.features.MlFeatures;
import io.execkpi.warehouse.FixtureTables;
import io.execkpi.warehouse.JdbcWarehouse;
import io.execkpi.warehouse.SqlFiles;
import io.execkpi.warehouse.Warehouse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * The real feature query ({@code sql/duckdb/ml_features.sql}) on a warehouse written here by hand (the thelook
 * schema, DuckDB in memory). Cutoff T = 2025-03-15 00:00, label window (T, 2025-03-29 00:00].
 *
 * <ul>
 * <li>hand-computed feature values for two users and the sentinels of an inactive one;</li>
 * <li>leakage: inserting and changing rows dated on or after T (events, orders, items, users) leaves every feature
 * of every user unchanged, and the label only reacts to non-cancelled orders in (T, T + 14 days].</li>
 * </ul>
 * {@code BigQueryMlFeatureSqlTest} runs the same tests on the same rows against {@code sql/bigquery/ml_features.sql}.
 */
class MlFeatureSqlTest {

    static final LocalDateTime T = LocalDateTime.of(2025, 3, 15, 0, 0);
    static final LocalDateTime LABEL_END = T.plusDays(14);

    /** The rows of the test, written once for both dialects (here DuckDB, {@code BigQueryMlFeatureSqlTest}). */
    FixtureTables tables;
    long nextEventId = 1000;
    long nextItemId = 1000;

    /** A warehouse under test holding the current rows: here a fresh in-memory DuckDB with {@code sql/duckdb}. */
    Warehouse warehouse() throws Exception {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:", true);
        Connection c = ds.getConnection();
        ScriptUtils.executeSqlScript(c, new ClassPathResource("thelook/schema.sql"));
        tables.insertInto(new JdbcTemplate(ds));
        return new JdbcWarehouse(ds, new SqlFiles(new DefaultResourceLoader(), "classpath:sql/", "duckdb"), 100);
    }

    @BeforeEach
    void fixture() {
        tables = new FixtureTables();

        user(1, "F", 30, "Search", "2024-12-01 10:00:00");
        user(2, "M", 19, "Email", "2025-03-10 08:00:00");
        user(3, "F", 25, "Organic", "2025-03-15 00:00:00"); // signs up exactly at T: not in the population
        user(4, "F", 65, "Display", "2024-06-01 00:00:00"); // never active
        user(5, "M", 40, "Organic", "2025-01-01 00:00:00");

        // u1: orders before T
        order(1, 1, "Complete", "2025-03-01 12:00:00", 10.0, 20.0); // 13.5 days before T: 30d and 90d
        order(2, 1, "Shipped", "2025-01-20 00:00:00", 5.0);         // 54 days: 90d only
        order(3, 1, "Cancelled", "2025-03-10 09:00:00", 99.0);      // cancelled: never counted
        order(4, 1, "Returned", "2024-12-02 00:00:00", 7.0);        // 103 days: lifetime only
        // u1: events before T
        event(1, "s1", "2025-03-01 11:50:00", "home", "Email");
        event(1, "s1", "2025-03-01 11:55:00", "cart", "Email");
        event(1, "s2", "2025-03-14 23:00:00", "home", "Adwords");
        event(1, "s3", "2025-01-10 10:00:00", "home", "Organic");    // 64 days: 90d, not 30d
        event(1, "s4", "2024-12-01 10:00:00", "home", "Organic");    // 104 days: outside 90d
        // u2: a signup session before T
        event(2, "s5", "2025-03-10 08:00:00", "home", "Facebook");
        event(2, "s5", "2025-03-10 08:01:00", "product", "Facebook");
        tables.rows("events", EVENT_COLUMNS, new Object[] {999, null, 1, "s6", ts("2025-03-12 08:00:00"), "Email",
                "home"}); // anonymous

        // label window (T, T + 14d]
        order(10, 1, "Complete", "2025-03-20 12:00:00", 50.0);      // u1: label 1
        order(11, 2, "Complete", "2025-03-15 00:00:00", 15.0);      // u2: exactly at T: neither feature nor label
        order(12, 4, "Cancelled", "2025-03-18 10:00:00", 30.0);     // u4: cancelled: label 0
        order(13, 4, "Complete", "2025-03-29 00:00:01", 30.0);      // u4: one second after the window: label 0
        order(14, 5, "Processing", "2025-03-29 00:00:00", 12.0);    // u5: exactly at the window's end: label 1
    }

    @Test
    void featureValuesComputedByHand() throws Exception {
        FeatureTable t = extract();
        assertThat(t.userIds()).containsExactly(1L, 2L, 4L, 5L); // u3 signed up at T, not before
        Map<String, Double> u1 = row(t, 1);
        // orders: 30d {o1}, 90d {o1, o2}, lifetime {o1, o2, o4}; items/revenue of non-cancelled orders
        assertThat(u1).containsEntry("orders_30d", 1.0).containsEntry("orders_90d", 2.0)
                .containsEntry("orders_lifetime", 3.0).containsEntry("items_30d", 2.0).containsEntry("items_90d", 3.0)
                .containsEntry("revenue_30d", 30.0).containsEntry("revenue_90d", 35.0);
        // 2024-12-01 10:00 → 2025-03-15 00:00 = 30 d 14 h (rest of Dec) + 31 + 28 + 14 = 103.58333 days
        assertThat(u1.get("days_since_signup")).isCloseTo(103 + 14.0 / 24, within(1e-6));
        assertThat(u1.get("days_since_last_order")).isCloseTo(13.5, within(1e-9));
        assertThat(u1.get("days_since_last_session")).isCloseTo(1.0 / 24, within(1e-6)); // 2025-03-14 23:00
        // 30 days: sessions s1, s2 and one cart event; 90 days: 4 events, Email 2, Adwords 1, Organic 1
        assertThat(u1).containsEntry("sessions_30d", 2.0).containsEntry("cart_events_30d", 1.0)
                .containsEntry("event_source_email_share", 0.5).containsEntry("event_source_adwords_share", 0.25)
                .containsEntry("event_source_organic_share", 0.25).containsEntry("event_source_youtube_share", 0.0)
                .containsEntry("event_source_facebook_share", 0.0);
        assertThat(u1).containsEntry("user_source_search", 1.0).containsEntry("user_source_organic", 0.0)
                .containsEntry("user_source_email", 0.0).containsEntry("age", 30.0).containsEntry("is_female", 1.0);
        assertThat(label(t, 1)).isEqualTo(1);
        assertThat(active(t, 1)).isTrue();

        Map<String, Double> u2 = row(t, 2);
        // signed up 2025-03-10 08:00: 4 d 16 h; last event 08:01: 4 d 15 h 59 min; no order before T
        assertThat(u2.get("days_since_signup")).isCloseTo(4 + 16.0 / 24, within(1e-6));
        assertThat(u2.get("days_since_last_session")).isCloseTo(4 + (15 + 59.0 / 60) / 24, within(1e-6));
        assertThat(u2).containsEntry("days_since_last_order", 365.0).containsEntry("orders_lifetime", 0.0)
                .containsEntry("sessions_30d", 1.0).containsEntry("event_source_facebook_share", 1.0)
                .containsEntry("user_source_email", 1.0).containsEntry("is_female", 0.0).containsEntry("age", 19.0);
        assertThat(label(t, 2)).isZero(); // its order is exactly at T

        // u4: never active: the "none" sentinels, zero shares, not in the scoring population; its orders are a
        // cancelled one in the window and one a second after it: label 0
        Map<String, Double> u4 = row(t, 4);
        assertThat(u4).containsEntry("days_since_last_order", 365.0).containsEntry("days_since_last_session", 90.0)
                .containsEntry("sessions_30d", 0.0).containsEntry("event_source_email_share", 0.0)
                .containsEntry("user_source_display", 1.0).containsEntry("age", 65.0);
        assertThat(label(t, 4)).isZero();
        assertThat(active(t, 4)).isFalse();

        // u5: 2025-01-01 → 2025-03-15 = 31 + 28 + 14 = 73 days; an order exactly at the window's end counts
        assertThat(row(t, 5).get("days_since_signup")).isCloseTo(73.0, within(1e-9));
        assertThat(label(t, 5)).isEqualTo(1);
    }

    @Test
    void rowsDatedOnOrAfterTheCutoffNeverChangeAFeatureAndTheLabelOnlyReactsToItsWindow() throws Exception {
        FeatureTable before = extract();

        // 1. noise on or after T outside the label's reach: events (all sources, carts, new sessions), orders at T,
        //    after the window or cancelled, their items, a user created after T, changes to post-T rows
        for (long user : new long[] {1, 2, 4, 5}) {
            event(user, "late-a" + user, "2025-03-15 00:00:00", "cart", "YouTube");
            event(user, "late-b" + user, "2025-03-16 10:00:00", "purchase", "Facebook");
            event(user, "late-c" + user, "2025-04-20 10:00:00", "home", "Email");
        }
        order(20, 4, "Complete", "2025-03-15 00:00:00", 80.0);   // exactly at T
        order(21, 2, "Complete", "2025-04-01 09:00:00", 40.0);   // after the window
        order(22, 2, "Cancelled", "2025-03-20 09:00:00", 40.0);  // cancelled in the window
        order(23, 5, "Complete", "2025-05-01 00:00:00", 60.0);
        user(6, "M", 33, "Search", "2025-03-16 00:00:00");
        order(24, 6, "Complete", "2025-03-17 00:00:00", 10.0);
        event(6, "late-d", "2025-03-16 00:00:00", "home", "Organic");
        // events on or after T become YouTube carts; items of orders on or after T cost three times as much
        tables.update("events", e -> !((LocalDateTime) e.get("created_at")).isBefore(T), e -> {
            e.put("traffic_source", "YouTube");
            e.put("event_type", "cart");
        });
        tables.update("order_items", i -> !((LocalDateTime) i.get("created_at")).isBefore(T),
                i -> i.put("sale_price", (Double) i.get("sale_price") * 3));
        setOrderStatus(11, "Shipped"); // u2's order exactly at T
        FeatureTable noise = extract();
        assertThat(features(noise)).isEqualTo(features(before));
        assertThat(labels(noise)).isEqualTo(labels(before));

        // 2. a non-cancelled order one second into the window flips only its user's label; features stay unchanged
        order(25, 4, "Shipped", "2025-03-15 00:00:01", 25.0);
        // and cancelling u1's window order removes its label
        setOrderStatus(10, "Cancelled");
        FeatureTable after = extract();
        assertThat(features(after)).isEqualTo(features(before));
        Map<Long, Integer> expected = new LinkedHashMap<>(labels(before));
        expected.put(4L, 1);
        expected.put(1L, 0);
        assertThat(labels(after)).isEqualTo(expected);

        // 3. conversely, a change before T (a new order of u2) changes its features but not its label
        order(26, 2, "Complete", "2025-03-14 12:00:00", 9.0);
        FeatureTable earlier = extract();
        assertThat(row(earlier, 2)).containsEntry("orders_lifetime", 1.0).containsEntry("revenue_30d", 9.0);
        assertThat(labels(earlier)).isEqualTo(expected);
    }

    @Test
    void scoringExtractionHasAnEmptyLabelWindow() throws Exception {
        LocalDateTime cutoff = MlFeatures.cutoff(LocalDate.of(2025, 3, 20));
        FeatureTable t = MlFeatures.extract(warehouse(), cutoff, cutoff, 30);
        assertThat(t.labels()).containsOnly(0);
        // active in the 30 days before 2025-03-20: u1 (events, orders) and u2 (events, its order at 03-15); not u3
        // (no activity), u4 (only a cancelled order) or u5 (its order is after the cutoff)
        assertThat(java.util.Arrays.stream(t.activeRows()).mapToLong(i -> t.userIds()[i]).toArray())
                .containsExactly(1L, 2L);
    }

    @Test
    void scoringReadsOnlyTheActiveUsers() throws Exception {
        LocalDateTime cutoff = MlFeatures.cutoff(LocalDate.of(2025, 3, 20));
        FeatureTable all = MlFeatures.extract(warehouse(), cutoff, cutoff, 30);
        FeatureTable active = MlFeatures.extract(warehouse(), cutoff, cutoff, 30, true, Long.MAX_VALUE);
        // the active users of the test above (u1, u2), with the same features as in the unfiltered extraction
        assertThat(active.userIds()).containsExactly(1L, 2L);
        assertThat(active.active()).containsOnly(true);
        for (long user : active.userIds()) {
            assertThat(row(active, user)).isEqualTo(row(all, user));
        }
    }

    @Test
    void aBoundedPopulationIsADeterministicSampleOfIt() throws Exception {
        FeatureTable all = extract();
        assertThat(all.size()).as("the fixture's population").isGreaterThan(3);
        FeatureTable sample = MlFeatures.extract(warehouse(), T, LABEL_END, 30, false, 3);
        FeatureTable again = MlFeatures.extract(warehouse(), T, LABEL_END, 30, false, 3);
        assertThat(sample.size()).isEqualTo(3);
        assertThat(again.userIds()).containsExactly(sample.userIds());
        // ordered by user id, each row as in the whole population (features and label)
        assertThat(sample.userIds()).isSorted();
        for (long user : sample.userIds()) {
            assertThat(row(sample, user)).isEqualTo(row(all, user));
            assertThat(label(sample, user)).isEqualTo(label(all, user));
        }
        // a bound at or above the population keeps everyone
        assertThat(MlFeatures.extract(warehouse(), T, LABEL_END, 30, false, all.size()).userIds())
                .containsExactly(all.userIds());
    }

    // ---- fixture helpers --------------------------------------------------------------------------------------

    private FeatureTable extract() throws Exception {
        return MlFeatures.extract(warehouse(), T, LABEL_END, 30);
    }

    private static Map<String, Double> row(FeatureTable t, long userId) {
        int i = index(t, userId);
        Map<String, Double> row = new LinkedHashMap<>();
        for (int j = 0; j < MlFeatures.NAMES.size(); j++) {
            row.put(MlFeatures.NAMES.get(j), t.values()[i][j]);
        }
        return row;
    }

    private static int label(FeatureTable t, long userId) {
        return t.labels()[index(t, userId)];
    }

    private static boolean active(FeatureTable t, long userId) {
        return t.active()[index(t, userId)];
    }

    private static int index(FeatureTable t, long userId) {
        for (int i = 0; i < t.size(); i++) {
            if (t.userIds()[i] == userId) {
                return i;
            }
        }
        throw new AssertionError("user " + userId + " not in the population");
    }

    /** Every user's feature values and activity flag. */
    private static Map<Long, List<Double>> features(FeatureTable t) {
        Map<Long, List<Double>> out = new LinkedHashMap<>();
        for (int i = 0; i < t.size(); i++) {
            List<Double> values = new java.util.ArrayList<>();
            for (double v : t.values()[i]) {
                values.add(v);
            }
            values.add(t.active()[i] ? 1.0 : 0.0);
            out.put(t.userIds()[i], values);
        }
        return out;
    }

    private static Map<Long, Integer> labels(FeatureTable t) {
        Map<Long, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < t.size(); i++) {
            out.put(t.userIds()[i], t.labels()[i]);
        }
        return out;
    }

    static final String EVENT_COLUMNS = "id, user_id, sequence_number, session_id, created_at, traffic_source,"
            + " event_type";

    private void user(long id, String gender, int age, String source, String createdAt) {
        tables.rows("users", "id, gender, age, traffic_source, created_at",
                new Object[] {id, gender, age, source, ts(createdAt)});
    }

    private void order(long orderId, long userId, String status, String createdAt, double... itemPrices) {
        LocalDateTime at = ts(createdAt);
        tables.rows("orders", "order_id, user_id, status, created_at, num_of_item",
                new Object[] {orderId, userId, status, at, itemPrices.length});
        for (double price : itemPrices) {
            tables.rows("order_items", "id, order_id, user_id, product_id, status, created_at, sale_price",
                    new Object[] {nextItemId++, orderId, userId, 1, status, at, price});
        }
    }

    private void setOrderStatus(long orderId, String status) {
        tables.update("orders", o -> ((Number) o.get("order_id")).longValue() == orderId, o -> o.put("status", status));
    }

    private void event(long userId, String session, String createdAt, String type, String source) {
        tables.rows("events", EVENT_COLUMNS, new Object[] {nextEventId++, userId, 1, session, ts(createdAt), source,
                type});
    }
}
