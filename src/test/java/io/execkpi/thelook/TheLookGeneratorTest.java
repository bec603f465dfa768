package io.execkpi.thelook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import io.execkpi.support.DuckDbForTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The generator against in-memory DuckDB warehouses.
 *
 * <p>Determinism, top-up and crash tests use a small warehouse (scale 0.1, 120 days); the value domains, the funnel
 * and the calibration a "big" one (scale 2.0, one year, ≈ 45k users, ≈ 1M events). The planted experiment effects
 * are checked over many seeds in {@link PlantedEffectsAcrossSeedsTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TheLookGeneratorTest {

    private static final LocalDate START = LocalDate.of(2023, 1, 1);
    private static final TheLookSettings SMALL = new TheLookSettings(7, 0.1, START);
    private static final LocalDate SMALL_THROUGH = START.plusDays(119);

    private final List<DriverManagerDataSource> opened = new ArrayList<>();
    private DriverManagerDataSource big;
    private GenerationSummary bigSummary;
    private String smallReference;

    @BeforeAll
    void generateBigWarehouse() throws SQLException {
        big = newDatabase();
        bigSummary = new TheLookGenerator(new TheLookSettings(2024, 2.0, START))
            .generateThrough(big, START.plusDays(364));
        smallReference = checksumOf(SMALL, SMALL_THROUGH);
    }

    @AfterAll
    void dropDatabases() throws SQLException {
        for (DriverManagerDataSource ds : opened) {
            DuckDbForTests.release(ds);
        }
    }

    private DriverManagerDataSource newDatabase() {
        DriverManagerDataSource ds = DuckDbForTests.newMemoryDatabase("thelook");
        opened.add(ds);
        return ds;
    }

    private String checksumOf(TheLookSettings settings, LocalDate through) throws SQLException {
        DriverManagerDataSource ds = newDatabase();
        new TheLookGenerator(settings).generateThrough(ds, through);
        return checksum(ds);
    }

    private static String checksum(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return TheLookQueries.checksum(c);
        }
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = big.getConnection()) {
            return TheLookQueries.scalar(c, sql);
        }
    }

    private List<Object[]> rows(String sql) throws SQLException {
        try (Connection c = big.getConnection()) {
            return TheLookQueries.rows(c, sql);
        }
    }

    // ---- determinism ----------------------------------------------------------------------------

    @Test
    void sameSeedGivesIdenticalDataAndAnotherSeedDoesNot() throws SQLException {
        assertThat(checksumOf(SMALL, SMALL_THROUGH)).isEqualTo(smallReference);
        assertThat(checksumOf(new TheLookSettings(8, 0.1, START), SMALL_THROUGH)).isNotEqualTo(smallReference);
    }

    @Test
    void movingStagedRowsInManySmallBatchesGivesTheSameRows() throws SQLException {
        // the reference moves its staged events once (fewer than RowWriter.STAGED_EVENTS_PER_MOVE); this one after
        // every ~1,000 events, so the batches end mid-table, mid-day and with inventory of the next batch pending
        DriverManagerDataSource ds = newDatabase();
        GenerationSummary s = new TheLookGenerator(SMALL, 1_000).generateThrough(ds, SMALL_THROUGH);
        assertThat(s.events()).isGreaterThan(5_000).isLessThan(RowWriter.STAGED_EVENTS_PER_MOVE);
        assertThat(checksum(ds)).isEqualTo(smallReference);
        try (Connection c = ds.getConnection()) {
            // rows are stored in id order (scans and zone maps rely on time order): row i holds id i + 1
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM events WHERE id <> rowid + 1")).isZero();
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM inventory_items WHERE id <> rowid + 1"))
                .isZero();
            // the staging tables are gone with the top-up
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM duckdb_tables() WHERE temporary")).isZero();
        }
    }

    @Test
    void toppingUpDayByDayEqualsGeneratingAtOnce() throws SQLException {
        DriverManagerDataSource ds = newDatabase();
        TheLookGenerator generator = new TheLookGenerator(SMALL);
        // cut points before, on and after the experiment starts (days 28, 35, 42, 49)
        int[] cuts = {0, 20, 28, 29, 41, 42, 43, 60, 61, 100, 119};
        long users = 0;
        long events = 0;
        for (int cut : cuts) {
            GenerationSummary s = generator.generateThrough(ds, START.plusDays(cut));
            assertThat(s.lastDay()).isEqualTo(START.plusDays(cut));
            users += s.users();
            events += s.events();
        }
        assertThat(checksum(ds)).isEqualTo(smallReference);

        GenerationSummary again = generator.generateThrough(ds, SMALL_THROUGH);
        assertThat(again.days()).isZero();
        assertThat(again.lastGenerated()).isEqualTo(SMALL_THROUGH);
        assertThat(checksum(ds)).isEqualTo(smallReference);
        try (Connection c = ds.getConnection()) {
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM users")).isEqualTo(users);
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM events")).isEqualTo(events);
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM products")).isEqualTo(2912);
        }
    }

    @Test
    void aTopUpThatFailsHalfWayLeavesTheWarehouseAsBeforeAndTheNextRunCompletesIt() throws SQLException {
        DriverManagerDataSource ds = newDatabase();
        new TheLookGenerator(SMALL).generateThrough(ds, START.plusDays(29));
        String before = checksum(ds);
        // the top-up through day 119 is one transaction: its commit (the first: the static tables exist) fails
        DataSource crashing = failingOnCommit(ds, 1);
        assertThatThrownBy(() -> new TheLookGenerator(SMALL).generateThrough(crashing, SMALL_THROUGH))
            .isInstanceOf(SQLException.class).hasMessageContaining("simulated crash");
        try (Connection c = ds.getConnection()) {
            assertThat(TheLookGenerator.readMeta(c).lastGenerated()).isEqualTo(START.plusDays(29));
            assertThat(TheLookQueries.scalar(c,
                "SELECT COUNT(*) FROM events WHERE created_at >= TIMESTAMP '2023-01-31 00:00:00'")).isZero();
            assertThat(TheLookQueries.scalar(c,
                "SELECT COUNT(*) FROM users WHERE created_at >= TIMESTAMP '2023-01-31 00:00:00'")).isZero();
        }
        assertThat(checksum(ds)).isEqualTo(before);
        GenerationSummary resumed = new TheLookGenerator(SMALL).generateThrough(ds, SMALL_THROUGH);
        assertThat(resumed.firstDay()).isEqualTo(START.plusDays(30));
        assertThat(checksum(ds)).isEqualTo(smallReference);
    }

    @Test
    void aFirstGenerationThatFailsLeavesOnlyTheStaticTables() throws SQLException {
        DriverManagerDataSource ds = newDatabase();
        // commit 1 writes the static tables, commit 2 every day through day 119: it fails
        DataSource crashing = failingOnCommit(ds, 2);
        assertThatThrownBy(() -> new TheLookGenerator(SMALL).generateThrough(crashing, SMALL_THROUGH))
            .isInstanceOf(SQLException.class).hasMessageContaining("simulated crash");
        try (Connection c = ds.getConnection()) {
            assertThat(TheLookGenerator.readMeta(c).lastGenerated()).isNull();
            for (String table : new String[] {"users", "orders", "order_items", "inventory_items", "events",
                "assignments"}) {
                assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM " + table)).as(table).isZero();
            }
        }
        new TheLookGenerator(SMALL).generateThrough(ds, SMALL_THROUGH);
        assertThat(checksum(ds)).isEqualTo(smallReference);
    }

    private static DataSource failingOnCommit(DataSource real, int failingCommit) {
        AtomicInteger commits = new AtomicInteger();
        return (DataSource) Proxy.newProxyInstance(TheLookGeneratorTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                Object result = invoke(real, method, args);
                if (!method.getName().equals("getConnection")) {
                    return result;
                }
                Connection connection = (Connection) result;
                return Proxy.newProxyInstance(TheLookGeneratorTest.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (p, m, a) -> {
                        if (m.getName().equals("commit") && commits.incrementAndGet() == failingCommit) {
                            throw new SQLException("simulated crash");
                        }
                        return invoke(connection, m, a);
                    });
            });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void mismatchedSettingsAreRefusedNamingTheSetting() throws SQLException {
        DriverManagerDataSource ds = newDatabase();
        LocalDate through = START.plusDays(3);
        new TheLookGenerator(SMALL).generateThrough(ds, through);

        assertThatThrownBy(() -> new TheLookGenerator(new TheLookSettings(8, 0.1, START)).generateThrough(ds, through))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("seed (warehouse 7, configured 8)")
            .hasMessageContaining("delete the warehouse data directory")
            .hasMessageContaining("execkpi.thelook.seed=7");
        assertThatThrownBy(() -> new TheLookGenerator(new TheLookSettings(7, 0.2, START)).generateThrough(ds, through))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("scale (warehouse 0.1, configured 0.2)")
            .hasMessageNotContaining("seed (");
        assertThatThrownBy(() -> new TheLookGenerator(new TheLookSettings(7, 0.1, START.plusDays(1)))
            .generateThrough(ds, through))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("start (warehouse 2023-01-01, configured 2023-01-02)")
            .hasMessageContaining("execkpi.thelook.start=2023-01-01");

        // no configured start: the warehouse's own start is used, and generation continues
        GenerationSummary s = new TheLookGenerator(new TheLookSettings(7, 0.1, null)).generateThrough(ds,
            through.plusDays(1));
        assertThat(s.firstDay()).isEqualTo(through.plusDays(1));
        assertThatThrownBy(() -> new TheLookSettings(1, 0, START)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNewWarehouseWithoutConfiguredStartBeginsThreeYearsBeforeThrough() throws SQLException {
        DriverManagerDataSource ds = newDatabase();
        LocalDate through = LocalDate.of(2025, 6, 30);
        GenerationSummary s = new TheLookGenerator(new TheLookSettings(5, 0.01, null)).generateThrough(ds, through);
        assertThat(s.firstDay()).isEqualTo(LocalDate.of(2022, 6, 30));
        assertThat(s.days()).isEqualTo(1097);
        // scale 0.01: ~1k users over three years, and still a 2,912-product catalog
        assertThat(s.users()).isBetween(800L, 1200L);
        try (Connection c = ds.getConnection()) {
            assertThat(TheLookQueries.scalar(c, "SELECT COUNT(*) FROM products")).isEqualTo(2912);
            assertThat(TheLookGenerator.readMeta(c).startDate()).isEqualTo(LocalDate.of(2022, 6, 30));
        }
    }

    // ---- experiments (their planted effects over many seeds: PlantedEffectsAcrossSeedsTest) ----------

    @Test
    void experimentsAreDescribedAndEveryUserIsAssignedAtASessionStart() throws SQLException {
        assertThat(rows("SELECT experiment_id FROM experiments WHERE end_date IS NULL")).hasSize(4);
        assertThat(scalar("SELECT COUNT(*) FROM experiments WHERE description LIKE '%Planted truth%'")).isEqualTo(4);
        assertThat(scalar("SELECT COUNT(*) FROM experiment_variants")).isEqualTo(9);
        // assigned_at is the first event of a session of that user, on or after the start date
        assertThat(scalar("""
            SELECT COUNT(*) FROM assignments a JOIN experiments x ON x.experiment_id = a.experiment_id
            WHERE CAST(a.assigned_at AS DATE) < x.start_date
               OR NOT EXISTS (SELECT 1 FROM events e WHERE e.user_id = a.user_id AND e.created_at = a.assigned_at
                              AND e.sequence_number = 1)
            """)).isZero();
        // users are assigned at their first session on or after max(start date, signup day + 14 days)
        assertThat(scalar("""
            SELECT COUNT(*) FROM assignments a JOIN users u ON u.id = a.user_id
            WHERE CAST(a.assigned_at AS DATE) < CAST(u.created_at AS DATE) + 14
            """)).isZero();
        assertThat(scalar("""
            SELECT COUNT(*) FROM assignments a
            JOIN experiments x ON x.experiment_id = a.experiment_id
            JOIN users u ON u.id = a.user_id
            JOIN events e ON e.user_id = a.user_id AND e.sequence_number = 1 AND e.created_at < a.assigned_at
            WHERE CAST(e.created_at AS DATE) >= GREATEST(x.start_date, CAST(u.created_at AS DATE) + 14)
            """)).isZero();
        // so the 14 days before the assignment hold a history: some assigned users bought in them (CUPED's covariate)
        assertThat(scalar("""
            SELECT COUNT(DISTINCT a.user_id) FROM assignments a JOIN orders o ON o.user_id = a.user_id
            WHERE o.status = 'Complete' AND o.created_at >= a.assigned_at - INTERVAL 14 DAY
              AND o.created_at < a.assigned_at
            """)).isPositive();
        // every registered user who came back is in every running experiment: homepage_aa starts a week after
        // checkout_redesign, so each homepage_aa user is in checkout_redesign (assigned then or earlier), and
        // each checkout_redesign user assigned after homepage_aa's start is assigned to both in one session
        assertThat(scalar("""
            SELECT COUNT(*) FROM assignments h LEFT JOIN assignments k
                ON k.experiment_id = 'checkout_redesign' AND k.user_id = h.user_id AND k.assigned_at <= h.assigned_at
            WHERE h.experiment_id = 'homepage_aa' AND k.user_id IS NULL
            """)).isZero();
        assertThat(scalar("""
            SELECT COUNT(*) FROM assignments k LEFT JOIN assignments h
                ON h.experiment_id = 'homepage_aa' AND h.user_id = k.user_id AND h.assigned_at = k.assigned_at
            WHERE k.experiment_id = 'checkout_redesign' AND k.assigned_at >= TIMESTAMP '2023-02-05 00:00:00'
              AND h.user_id IS NULL
            """)).isZero();
        assertThat(scalar("SELECT COUNT(*) FROM assignments WHERE variant NOT IN "
            + "(SELECT variant FROM experiment_variants v WHERE v.experiment_id = assignments.experiment_id)"))
            .isZero();
    }

    /** The large tables declare no primary key (DuckDB appends faster without): their keys are unique anyway. */
    @Test
    void everyKeyIsUniqueWithoutAPrimaryKeyConstraint() throws SQLException {
        for (String[] key : new String[][] {{"users", "id"}, {"orders", "order_id"}, {"order_items", "id"},
            {"inventory_items", "id"}, {"events", "id"}, {"assignments", "experiment_id, user_id"}}) {
            assertThat(scalar("SELECT COUNT(*) FROM " + key[0]))
                .as("rows of %s unique by (%s)", key[0], key[1])
                .isEqualTo(scalar("SELECT COUNT(*) FROM (SELECT DISTINCT " + key[1] + " FROM " + key[0] + ")"))
                .isPositive();
        }
    }

    // ---- value domains and funnel ---------------------------------------------------------------

    @Test
    void valuesComeFromThePublicDomains() throws SQLException {
        assertDomain("SELECT DISTINCT status FROM orders", Set.of(Catalog.ORDER_STATUSES));
        assertDomain("SELECT DISTINCT status FROM order_items", Set.of(Catalog.ORDER_STATUSES));
        assertDomain("SELECT DISTINCT event_type FROM events", Set.of(Catalog.EVENT_TYPES));
        assertDomain("SELECT DISTINCT traffic_source FROM events", Set.of(Catalog.EVENT_SOURCES));
        assertDomain("SELECT DISTINCT traffic_source FROM users", Set.of(Catalog.USER_SOURCES));
        assertDomain("SELECT DISTINCT browser FROM events", Set.of(Catalog.BROWSERS));
        assertDomain("SELECT DISTINCT department FROM products", Set.of("Men", "Women"));
        assertDomain("SELECT DISTINCT gender FROM users", Set.of("M", "F"));
        assertThat(scalar("SELECT COUNT(*) FROM users WHERE email NOT LIKE '%@example.%'")).isZero();
        assertThat(scalar("SELECT COUNT(*) FROM users WHERE age < 12 OR age > 70")).isZero();

        // status mix ≈ 25/15/10/20/30 %
        long orders = scalar("SELECT COUNT(*) FROM orders");
        Map<String, Double> expected = Map.of("Complete", 0.25, "Cancelled", 0.15, "Returned", 0.10,
            "Processing", 0.20, "Shipped", 0.30);
        for (Object[] r : rows("SELECT status, COUNT(*) FROM orders GROUP BY status")) {
            assertThat(((Number) r[1]).doubleValue() / orders).as("share of %s", r[0])
                .isCloseTo(expected.get((String) r[0]), within(0.01));
        }
        // lifecycle timestamps follow the status
        assertThat(scalar("""
            SELECT COUNT(*) FROM orders WHERE
               (status IN ('Processing', 'Cancelled') AND (shipped_at IS NOT NULL OR delivered_at IS NOT NULL))
            OR (status = 'Shipped' AND (shipped_at IS NULL OR delivered_at IS NOT NULL))
            OR (status IN ('Complete', 'Returned') AND (shipped_at IS NULL OR delivered_at IS NULL))
            OR ((status = 'Returned') <> (returned_at IS NOT NULL))
            OR shipped_at < created_at OR delivered_at < shipped_at OR returned_at < delivered_at
            """)).isZero();
        // order items agree with their order; items reference sold inventory of the same product
        assertThat(scalar("""
            SELECT COUNT(*) FROM order_items i JOIN orders o ON o.order_id = i.order_id
            WHERE i.user_id <> o.user_id OR i.status <> o.status OR i.created_at <> o.created_at
            """)).isZero();
        assertThat(scalar("SELECT SUM(num_of_item) FROM orders")).isEqualTo(scalar("SELECT COUNT(*) FROM order_items"));
        assertThat(scalar("""
            SELECT COUNT(*) FROM order_items i JOIN inventory_items v ON v.id = i.inventory_item_id
            WHERE v.product_id <> i.product_id OR v.sold_at <> i.created_at OR v.created_at >= v.sold_at
            """)).isZero();
        assertThat(scalar("SELECT COUNT(*) FROM order_items i JOIN products p ON p.id = i.product_id "
            + "JOIN users u ON u.id = i.user_id WHERE i.sale_price <> p.retail_price "
            + "OR p.department <> CASE u.gender WHEN 'F' THEN 'Women' ELSE 'Men' END")).isZero();
    }

    @Test
    void eventUrisAndInventoryColumnsAgreeWithTheirProducts() throws SQLException {
        // uri by event type as in public thelook: fixed pages, or the product / its department and category
        assertThat(scalar("""
            SELECT COUNT(*) FROM events WHERE uri IS DISTINCT FROM CASE event_type WHEN 'home' THEN '/home'
                WHEN 'cart' THEN '/cart' WHEN 'purchase' THEN '/purchase' WHEN 'cancel' THEN '/cancel' ELSE uri END
            """)).isZero();
        long productViews = scalar("SELECT COUNT(*) FROM events WHERE event_type = 'product'");
        assertThat(productViews).isPositive();
        assertThat(scalar("SELECT COUNT(*) FROM events e JOIN products p ON e.uri = '/product/' || p.id "
            + "WHERE e.event_type = 'product'")).isEqualTo(productViews);
        // a department page names the department, category and brand of the product browsed (its slug: lower case,
        // " & " and spaces as "-"); the product page that follows it in the session is that product's
        String departmentUri = "'/department/' || lower(p.department) || '/category/' "
            + "|| replace(replace(lower(p.category), ' & ', '-'), ' ', '-') "
            + "|| '/brand/' || replace(replace(lower(p.brand), ' & ', '-'), ' ', '-')";
        long departmentViews = scalar("SELECT COUNT(*) FROM events WHERE event_type = 'department'");
        assertThat(departmentViews).isPositive();
        assertThat(scalar("SELECT COUNT(*) FROM events d WHERE d.event_type = 'department' AND EXISTS "
            + "(SELECT 1 FROM products p WHERE d.uri = " + departmentUri + ")")).isEqualTo(departmentViews);
        assertThat(scalar("SELECT COUNT(*) FROM events d JOIN events v ON v.session_id = d.session_id "
            + "AND v.sequence_number = d.sequence_number + 1 JOIN products p ON v.uri = '/product/' || p.id "
            + "WHERE d.event_type = 'department' AND v.event_type = 'product' AND d.uri <> " + departmentUri))
            .isZero();
        // inventory items copy their product's columns
        long items = scalar("SELECT COUNT(*) FROM inventory_items");
        assertThat(scalar("""
            SELECT COUNT(*) FROM inventory_items v JOIN products p ON p.id = v.product_id
            WHERE v.cost = p.cost AND v.product_category = p.category
              AND v.product_name IS NOT DISTINCT FROM p.name AND v.product_brand IS NOT DISTINCT FROM p.brand
              AND v.product_retail_price = p.retail_price AND v.product_department = p.department
              AND v.product_sku = p.sku AND v.product_distribution_center_id = p.distribution_center_id
            """)).isEqualTo(items);
    }

    private void assertDomain(String sql, Set<String> allowed) throws SQLException {
        List<String> values = rows(sql).stream().map(r -> (String) r[0]).toList();
        assertThat(values).as(sql).isNotEmpty().allMatch(allowed::contains);
    }

    /**
     * One ordered pass over all events (ids are consecutive within a session) checks every session:
     * one user (or anonymous), one UTC day, sequence 1..n with non-decreasing timestamps, starts at home;
     * a purchase comes after home → department → product → cart in that order, at most once, never in
     * an anonymous session, at the created_at of an order of that user; a cancel event directly follows
     * the purchase of a Cancelled order and ends the session.
     */
    @Test
    void sessionsWalkTheFunnelInOrderAndAnonymousOnesNeverPurchase() throws SQLException {
        Map<String, String> orderStatus = new java.util.HashMap<>();
        try (Connection c = big.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT user_id, created_at, status FROM orders")) {
            while (rs.next()) {
                orderStatus.put(rs.getLong(1) + "@" + rs.getObject(2, java.time.LocalDateTime.class), rs.getString(3));
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        long sessions = 0;
        long anonymous = 0;
        long purchases = 0;
        long cancels = 0;
        long abandonedCarts = 0;
        List<String> problems = new ArrayList<>();
        try (Connection c = big.getConnection(); Statement st = c.createStatement()) {
            st.setFetchSize(10_000);
            try (java.sql.ResultSet rs = st.executeQuery("SELECT session_id, user_id, sequence_number, created_at, "
                + "event_type FROM events ORDER BY id")) {
                String session = null;
                Object user = null;
                java.time.LocalDateTime previous = null;
                int expectedSeq = 0;
                int stage = 0; // funnel stage reached in order: 1 home, 2 department, 3 product, 4 cart
                String purchaseKey = null;
                boolean cancelled = false;
                boolean cart = false;
                String lastType = null;
                boolean more = rs.next();
                while (more) {
                    String sid = rs.getString(1);
                    if (!sid.equals(session)) {
                        if (session != null && cart && purchaseKey == null) {
                            abandonedCarts++;
                        }
                        if (!seen.add(sid)) {
                            problems.add("session " + sid + " is not contiguous");
                        }
                        session = sid;
                        user = rs.getObject(2);
                        previous = null;
                        expectedSeq = 1;
                        stage = 0;
                        purchaseKey = null;
                        cancelled = false;
                        cart = false;
                        lastType = null;
                        sessions++;
                        if (user == null) {
                            anonymous++;
                        }
                    }
                    java.time.LocalDateTime at = rs.getObject(4, java.time.LocalDateTime.class);
                    String type = rs.getString(5);
                    if (!java.util.Objects.equals(user, rs.getObject(2))) {
                        problems.add(sid + ": several users");
                    }
                    if (rs.getInt(3) != expectedSeq++) {
                        problems.add(sid + ": sequence gap");
                    }
                    if (previous != null && (at.isBefore(previous) || !at.toLocalDate().equals(previous.toLocalDate()))) {
                        problems.add(sid + ": time goes back or crosses midnight");
                    }
                    previous = at;
                    if (cancelled) {
                        problems.add(sid + ": event after cancel");
                    }
                    switch (type) {
                        case "home" -> {
                            if (expectedSeq != 2) {
                                problems.add(sid + ": home not first");
                            }
                            stage = 1;
                        }
                        case "department" -> stage = stage >= 1 ? Math.max(stage, 2) : stage;
                        case "product" -> stage = stage >= 2 ? Math.max(stage, 3) : stage;
                        case "cart" -> {
                            stage = stage >= 3 ? 4 : stage;
                            cart = true;
                        }
                        case "purchase" -> {
                            purchases++;
                            if (user == null || stage != 4 || purchaseKey != null) {
                                problems.add(sid + ": purchase without the full funnel, twice, or anonymous");
                            }
                            purchaseKey = user + "@" + at;
                            if (!orderStatus.containsKey(purchaseKey)) {
                                problems.add(sid + ": purchase without an order");
                            }
                        }
                        case "cancel" -> {
                            cancels++;
                            if (purchaseKey == null || !"Cancelled".equals(orderStatus.get(purchaseKey))
                                || !"purchase".equals(lastType)) {
                                problems.add(sid + ": cancel without a cancelled order");
                            }
                            cancelled = true;
                        }
                        default -> problems.add(sid + ": unknown event type " + type);
                    }
                    lastType = type;
                    more = rs.next();
                }
            }
        }
        assertThat(problems).as("malformed sessions").isEmpty();
        assertThat(anonymous).isPositive();
        assertThat(abandonedCarts).isPositive();
        assertThat(purchases).isEqualTo(orderStatus.size());
        long cancelledOrders = orderStatus.values().stream().filter("Cancelled"::equals).count();
        assertThat((double) cancels / cancelledOrders).isCloseTo(Simulation.CANCEL_EVENT_SHARE, within(0.05));
        assertThat(scalar("SELECT COUNT(*) FROM (SELECT session_id FROM events GROUP BY session_id "
            + "HAVING COUNT(*) = 1)")).isPositive().isLessThan(sessions);
    }

    // ---- dynamics ---------------------------------------------------------------------------------

    @Test
    void retentionDecaysWithWeeksSinceSignup() throws SQLException {
        // cohort: users who signed up in the first 60 days; active in week k = any event in days [7k, 7k+7)
        long cohort = scalar("SELECT COUNT(*) FROM users WHERE created_at < TIMESTAMP '2023-03-02 00:00:00'");
        double[] activeShare = new double[13];
        for (Object[] r : rows("""
            SELECT week, COUNT(DISTINCT user_id) FROM (
                SELECT e.user_id, date_diff('second', u.created_at, e.created_at) // 604800 AS week
                FROM events e JOIN users u ON u.id = e.user_id
                WHERE e.created_at < TIMESTAMP '2023-06-01 00:00:00'
                  AND u.created_at < TIMESTAMP '2023-03-02 00:00:00')
            WHERE week <= 12 GROUP BY week
            """)) {
            activeShare[((Number) r[0]).intValue()] = ((Number) r[1]).doubleValue() / cohort;
        }
        double w1 = activeShare[1];
        double w4 = activeShare[4];
        double w12 = activeShare[12];
        assertThat(activeShare[0]).isEqualTo(1.0); // everyone is active in the signup week
        assertThat(cohort).isGreaterThan(5000);
        assertThat(w1).as("week 1 %s > week 4 %s > week 12 %s", w1, w4, w12).isGreaterThan(w4 * 1.3);
        assertThat(w4).isGreaterThan(w12 * 1.3);
        assertThat(w12).isPositive();
    }

    @Test
    void weekdaySeasonalityIsVisibleInDailySessions() throws SQLException {
        double[] perWeekday = new double[8];
        double[] days = new double[8];
        for (Object[] r : rows("""
            SELECT isodow(d), COUNT(*), SUM(n) FROM (
                SELECT CAST(created_at AS DATE) AS d, COUNT(DISTINCT session_id) AS n FROM events GROUP BY d)
            GROUP BY isodow(d)
            """)) {
            int dow = ((Number) r[0]).intValue();
            days[dow] = ((Number) r[1]).doubleValue();
            perWeekday[dow] = ((Number) r[2]).doubleValue() / days[dow];
        }
        double midweek = (perWeekday[2] + perWeekday[3] + perWeekday[4]) / 3;
        assertThat(perWeekday[7] / midweek).as("Sunday vs Tue–Thu").isGreaterThan(1.15);
        assertThat(perWeekday[1] / midweek).as("Monday vs Tue–Thu").isGreaterThan(1.08);
    }

    /**
     * Users keep their propensity, so what an assigned user spent in the 14 days before the assignment predicts what
     * they spend after it (CUPED's covariate in ab_metrics, recomputed here by a separate query): per experiment, the
     * Pearson correlation over assigned users of completed revenue in [assigned_at − 14 days, assigned_at) and
     * completed revenue from assigned_at on. On this warehouse it is 0.29–0.32 per experiment; the generator before
     * the per-user frailty (assignment 7 days after signup, no frailty) gave 0.04–0.05 on the same settings (and
     * 0.06 with seeds 1 and 2), and fails this bound.
     */
    @Test
    void revenueBeforeTheAssignmentPredictsRevenueAfterIt() throws SQLException {
        List<Object[]> experiments = rows("""
            WITH completed AS (
                SELECT o.user_id, o.created_at, SUM(i.sale_price) AS revenue
                FROM orders o JOIN order_items i ON i.order_id = o.order_id
                WHERE o.status = 'Complete'
                GROUP BY o.order_id, o.user_id, o.created_at
            ),
            per_user AS (
                SELECT a.experiment_id, a.user_id,
                       COALESCE(SUM(c.revenue) FILTER (WHERE c.created_at >= a.assigned_at - INTERVAL 14 DAY
                                                         AND c.created_at < a.assigned_at), 0) AS pre,
                       COALESCE(SUM(c.revenue) FILTER (WHERE c.created_at >= a.assigned_at), 0) AS post
                FROM assignments a LEFT JOIN completed c ON c.user_id = a.user_id
                GROUP BY a.experiment_id, a.user_id
            )
            SELECT experiment_id, COUNT(*), corr(pre, post), AVG(CASE WHEN pre > 0 THEN 1.0 ELSE 0.0 END)
            FROM per_user GROUP BY experiment_id ORDER BY experiment_id
            """);
        assertThat(experiments).hasSize(4);
        for (Object[] e : experiments) {
            String shown = String.format("%s: %s assigned users, correlation %.4f, share with pre-period revenue %.4f",
                e[0], e[1], ((Number) e[2]).doubleValue(), ((Number) e[3]).doubleValue());
            System.out.println(shown);
            assertThat(((Number) e[1]).longValue()).as(shown).isGreaterThan(10_000);
            assertThat(((Number) e[2]).doubleValue()).as(shown).isGreaterThan(0.2);
        }
    }

    @Test
    void propensityShowsInObservableAttributes() throws SQLException {
        // orders per user by users.traffic_source: Email users buy more than Display users
        Map<String, Double> perUser = new java.util.HashMap<>();
        for (Object[] r : rows("""
            SELECT u.traffic_source, CAST(COUNT(o.order_id) AS DOUBLE PRECISION) / COUNT(DISTINCT u.id)
            FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.traffic_source
            """)) {
            perUser.put((String) r[0], ((Number) r[1]).doubleValue());
        }
        assertThat(perUser.get("Email")).isGreaterThan(perUser.get("Search") * 1.2);
        assertThat(perUser.get("Search")).isGreaterThan(perUser.get("Display") * 1.1);
    }

    @Test
    void sizesFollowTheScale() {
        // scale 2.0 over the first (low-growth) year: about 2 × 100k × (365/1095) × 0.7 users
        assertThat(bigSummary.days()).isEqualTo(365);
        assertThat(bigSummary.users()).isBetween(40_000L, 55_000L);
        assertThat((double) bigSummary.orderItems() / bigSummary.orders()).isCloseTo(1.45, within(0.05));
        assertThat((double) bigSummary.events() / bigSummary.users()).isBetween(17.0, 25.0);
    }
}
