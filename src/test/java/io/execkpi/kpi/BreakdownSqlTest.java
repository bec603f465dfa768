package io.execkpi.kpi;

import static io.execkpi.warehouse.FixtureTables.ts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.execkpi.warehouse.FixtureTables;
import io.execkpi.warehouse.Warehouse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.core.io.FileSystemResource;

/**
 * The breakdown of revenue_daily by the catalog's dimensions (the composed GROUPING SETS query over
 * {@code revenue_daily_facts} and the {@code dim_*} queries of sql/duckdb) on a small warehouse written here by hand,
 * against values worked out by hand in the comments. {@code BigQueryBreakdownSqlTest} runs the same on sql/bigquery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BreakdownSqlTest {

    static final KpiCatalog CATALOG = KpiCatalog.load(new FileSystemResource("jobs/kpis.yml"));
    static final KpiDefinition REVENUE_BY = CATALOG.find("revenue_daily_by").orElseThrow();

    Warehouse warehouse;

    /**
     * Users u1 (F, Search, Brasil, 30), u2 (M, Email, China, 17), u3 (F, Search, no country, no age); products p1
     * (Jeans, Women, brand A, Memphis), p2 (Tops, Women, brand B, Houston), p3 (Jeans, Men, brand A, Memphis).
     * 2024-12-30: o0 of u2 (p2 3.00), so u2's next order is returning. 2025-01-06: o1 of u1 (p1 10.00, p2 20.00),
     * o2 of u2 (p3 5.00). 2025-01-07: o3 of u1 (p1 7.50), o4 of u3 cancelled (p2 99.00), o5 of u3 without items.
     */
    static FixtureTables fixture() {
        FixtureTables t = new FixtureTables();
        t.rows("users", "id, gender, traffic_source, country, age, created_at",
                row(1, "F", "Search", "Brasil", 30, ts("2024-12-01 10:00:00")),
                row(2, "M", "Email", "China", 17, ts("2024-12-01 10:00:00")),
                row(3, "F", "Search", null, null, ts("2024-12-01 10:00:00")));
        t.rows("distribution_centers", "id, name", row(1, "Memphis TN"), row(2, "Houston TX"));
        t.rows("products", "id, cost, category, department, brand, retail_price, sku, distribution_center_id",
                row(1, 4.0, "Jeans", "Women", "A", 12.0, "s1", 1), row(2, 9.0, "Tops", "Women", "B", 22.0, "s2", 2),
                row(3, 2.0, "Jeans", "Men", "A", 6.0, "s3", 1));
        t.rows("orders", "order_id, user_id, status, created_at, num_of_item, returned_at",
                row(10, 2, "Complete", ts("2024-12-30 10:00:00"), 1, null),
                row(1, 1, "Complete", ts("2025-01-06 10:00:00"), 2, null),
                row(2, 2, "Complete", ts("2025-01-06 12:00:00"), 1, null),
                row(3, 1, "Complete", ts("2025-01-07 09:00:00"), 1, null),
                row(4, 3, "Cancelled", ts("2025-01-07 10:00:00"), 1, null),
                row(5, 3, "Complete", ts("2025-01-07 11:00:00"), 0, null),
                // returns_daily: o6 of u2 is created on 01-06 and returned on 01-07 (no completed order: no other KPI
                // here counts it)
                row(6, 2, "Returned", ts("2025-01-06 13:00:00"), 1, ts("2025-01-07 15:00:00")));
        t.rows("order_items", "id, order_id, user_id, product_id, inventory_item_id, status, created_at, sale_price",
                row(10, 10, 2, 2, 110, "Complete", ts("2024-12-30 10:00:00"), 3.00),
                row(1, 1, 1, 1, 101, "Complete", ts("2025-01-06 10:00:00"), 10.00),
                row(2, 1, 1, 2, 102, "Complete", ts("2025-01-06 10:00:00"), 20.00),
                row(3, 2, 2, 3, 103, "Complete", ts("2025-01-06 12:00:00"), 5.00),
                row(4, 3, 1, 1, 104, "Complete", ts("2025-01-07 09:00:00"), 7.50),
                row(5, 4, 3, 2, 105, "Cancelled", ts("2025-01-07 10:00:00"), 99.00),
                row(6, 6, 2, 1, 106, "Returned", ts("2025-01-06 13:00:00"), 12.00));
        // the cost of the inventory item each order item sold (margin_daily); item 4's has no row: cost 0
        t.rows("inventory_items", "id, product_id, created_at, cost",
                row(110, 2, ts("2024-12-01 00:00:00"), 1.00), row(101, 1, ts("2024-12-01 00:00:00"), 4.00),
                row(102, 2, ts("2024-12-01 00:00:00"), 9.00), row(103, 3, ts("2024-12-01 00:00:00"), 2.00),
                row(105, 2, ts("2024-12-01 00:00:00"), 50.00));
        return t;
    }

    static Object[] row(Object... values) {
        return values;
    }

    @BeforeAll
    void load() throws Exception {
        warehouse = warehouseOf(fixture());
    }

    Warehouse warehouseOf(FixtureTables tables) throws Exception {
        return KpiSqlTest.duckDb(tables);
    }

    /** The stored rows of revenue_daily's breakdown over [from, to]. */
    private List<Map<String, Object>> rows(LocalDate from, LocalDate to) {
        return slices(REVENUE_BY, from, to);
    }

    /** The stored rows ({@link Breakdowns#stored}) of a breakdown entry's composed query over [from, to]. */
    private List<Map<String, Object>> slices(KpiDefinition breakdown, LocalDate from, LocalDate to) {
        List<Dimension> dimensions = CATALOG.dimensionsOf(breakdown);
        List<Map<String, Object>> rows = new ArrayList<>();
        warehouse.query(breakdown.name(), files -> Breakdowns.query(breakdown, dimensions, files),
                Map.of("from", from, "to", to), r -> rows.add(Breakdowns.stored(breakdown, dimensions, r)));
        return rows;
    }

    /** A stored row's slice in words: "total", "dimension=value" or "dimension=value dimension2=value2". */
    private static String slice(Map<String, Object> r) {
        return (r.get("dimension").equals("") ? "total" : r.get("dimension") + "=" + r.get("dimension_value"))
                + (r.get("dimension2").equals("") ? "" : " " + r.get("dimension2") + "=" + r.get("dimension2_value"));
    }

    /** revenue_daily's stored rows as "date slice" → "orders items revenue", sorted. */
    private static Map<String, String> byKey(List<Map<String, Object>> rows) {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            out.put(r.get("date") + " " + slice(r), ((Number) r.get("orders")).longValue() + " "
                    + ((Number) r.get("items")).longValue() + " "
                    + String.format(java.util.Locale.ROOT, "%.2f", ((Number) r.get("revenue")).doubleValue()));
        }
        return out;
    }

    @Test
    void everyDimensionAndFilterPairIsSummedByHand() {
        List<Map<String, Object>> rows = rows(LocalDate.parse("2025-01-06"), LocalDate.parse("2025-01-07"));
        Map<String, String> got = byKey(rows);
        // 01-06: o1 (u1: 10.00 + 20.00) and o2 (u2: 5.00): 2 orders, 3 items, 35.00
        assertThat(got).containsEntry("2025-01-06 total", "2 3 35.00")
                .containsEntry("2025-01-06 country=Brasil", "1 2 30.00")
                .containsEntry("2025-01-06 country=China", "1 1 5.00")
                .containsEntry("2025-01-06 traffic_source=Search", "1 2 30.00")
                .containsEntry("2025-01-06 age_band=25-34", "1 2 30.00")
                .containsEntry("2025-01-06 age_band=under 18", "1 1 5.00")
                .containsEntry("2025-01-06 gender=Female", "1 2 30.00")
                .containsEntry("2025-01-06 gender=Male", "1 1 5.00")
                // o1 is u1's first completed order; u2 completed o0 on 2024-12-30 before o2
                .containsEntry("2025-01-06 customer_type=new", "1 2 30.00")
                .containsEntry("2025-01-06 customer_type=returning", "1 1 5.00")
                // item dimensions: Jeans holds p1 of o1 and p3 of o2 (2 orders), Tops p2 of o1: orders do not add up
                .containsEntry("2025-01-06 category=Jeans", "2 2 15.00")
                .containsEntry("2025-01-06 category=Tops", "1 1 20.00")
                .containsEntry("2025-01-06 department=Women", "1 2 30.00")
                .containsEntry("2025-01-06 department=Men", "1 1 5.00")
                .containsEntry("2025-01-06 brand=A", "2 2 15.00")
                .containsEntry("2025-01-06 distribution_center=Memphis TN", "2 2 15.00")
                .containsEntry("2025-01-06 distribution_center=Houston TX", "1 1 20.00")
                // pairs of a filter dimension with another
                .containsEntry("2025-01-06 country=Brasil category=Jeans", "1 1 10.00")
                .containsEntry("2025-01-06 country=Brasil category=Tops", "1 1 20.00")
                .containsEntry("2025-01-06 country=China category=Jeans", "1 1 5.00")
                .containsEntry("2025-01-06 country=Brasil traffic_source=Search", "1 2 30.00")
                .containsEntry("2025-01-06 traffic_source=Email customer_type=returning", "1 1 5.00")
                // 01-07: o3 (u1, 7.50) and o5 (u3, no item); o4 is cancelled: 2 orders, 1 item, 7.50
                .containsEntry("2025-01-07 total", "2 1 7.50")
                .containsEntry("2025-01-07 country=Brasil", "1 1 7.50")
                .containsEntry("2025-01-07 country=(unknown)", "1 0 0.00")
                .containsEntry("2025-01-07 age_band=(unknown)", "1 0 0.00")
                .containsEntry("2025-01-07 customer_type=returning", "1 1 7.50")
                .containsEntry("2025-01-07 customer_type=new", "1 0 0.00")
                .containsEntry("2025-01-07 category=Jeans", "1 1 7.50")
                .containsEntry("2025-01-07 category=(unknown)", "1 0 0.00");
        // two dimensions never pair unless one is a filter dimension: no age_band × category
        assertThat(got.keySet()).noneMatch(k -> k.contains("age_band=") && k.contains("category="));
        // 9 dimensions with 2 values on 01-06 (+ total) and 21 pairs: each slice once
        assertThat(got).hasSize(rows.size());
        assertThat(Breakdowns.addsUp(REVENUE_BY, CATALOG.dimensionsOf(REVENUE_BY), rows)).isEmpty();
    }

    @Test
    void theTotalRowEqualsRevenueDaily() {
        List<Map<String, Object>> totals = new ArrayList<>();
        warehouse.query("revenue_daily", Map.of("from", LocalDate.parse("2025-01-06"), "to",
                LocalDate.parse("2025-01-07")), totals::add);
        Map<String, String> got = byKey(rows(LocalDate.parse("2025-01-06"), LocalDate.parse("2025-01-07")));
        for (Map<String, Object> t : totals) {
            assertThat(got.get(t.get("date") + " total")).isEqualTo(((Number) t.get("orders")).longValue() + " "
                    + ((Number) t.get("items")).longValue() + " " + String.format(java.util.Locale.ROOT, "%.2f",
                    ((Number) t.get("revenue")).doubleValue()));
        }
        assertThat(totals).hasSize(2);
    }

    @Test
    void aSliceThatDoesNotAddUpIsReportedOnItsDate() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : rows(LocalDate.parse("2025-01-06"), LocalDate.parse("2025-01-07"))) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>(r);
            // a cent more revenue for Brasil on 01-06: the country slices no longer add up to the total (30.01 + 5
            // against 35), nor do Brasil's category and traffic source pairs to Brasil's slice
            if (copy.get("date").equals(LocalDate.parse("2025-01-06")) && copy.get("dimension").equals("country")
                    && copy.get("dimension_value").equals("Brasil") && copy.get("dimension2").equals("")) {
                copy.put("revenue", 30.01);
            }
            rows.add(copy);
        }
        Map<LocalDate, Map.Entry<Integer, String>> failed = Breakdowns.addsUp(REVENUE_BY,
                CATALOG.dimensionsOf(REVENUE_BY), rows);
        assertThat(failed).containsOnlyKeys(LocalDate.parse("2025-01-06"));
        // country -> the total, and each of the 8 pairs of Brasil with another dimension -> Brasil's slice
        assertThat(failed.get(LocalDate.parse("2025-01-06")).getKey()).isEqualTo(1 + 8);
        assertThat(failed.get(LocalDate.parse("2025-01-06")).getValue()).startsWith("revenue by ").contains(" sums to ");
    }

    @Test
    void marginIsRevenueLessTheCostOfTheItemsSoldByDateAndSlice() {
        List<Map<String, Object>> totals = new ArrayList<>();
        warehouse.query("margin_daily", Map.of("from", LocalDate.parse("2025-01-05"), "to",
                LocalDate.parse("2025-01-07")), totals::add);
        assertThat(totals).extracting(r -> r.get("date") + " " + r.get("revenue") + " " + r.get("cost") + " "
                + r.get("gross_margin")).containsExactly(
                // 01-05: nothing; 01-06: 10 + 20 + 5 = 35.00 at cost 4 + 9 + 2 = 15.00; 01-07: o3's 7.50 whose
                // inventory item has no row (cost 0); o4 is cancelled, o5 has no item
                "2025-01-05 0.0 0.0 0.0", "2025-01-06 35.0 15.0 20.0", "2025-01-07 7.5 0.0 7.5");
        assertThat(totals.get(0).get("margin_pct")).isNull();
        assertThat(((Number) totals.get(1).get("margin_pct")).doubleValue()).isCloseTo(20.0 / 35.0,
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(((Number) totals.get(2).get("margin_pct")).doubleValue()).isEqualTo(1.0);

        KpiDefinition marginBy = CATALOG.find("margin_daily_by").orElseThrow();
        List<Map<String, Object>> rows = slices(marginBy, LocalDate.parse("2025-01-06"), LocalDate.parse("2025-01-06"));
        Map<String, String> got = new TreeMap<>();
        rows.forEach(r -> got.put(slice(r), String.format(java.util.Locale.ROOT, "%.2f %.2f %.2f",
                ((Number) r.get("gross_margin")).doubleValue(), ((Number) r.get("revenue")).doubleValue(),
                ((Number) r.get("cost")).doubleValue())));
        assertThat(got).containsEntry("total", "20.00 35.00 15.00")
                // Brasil: o1 (10 at 4, 20 at 9); China: o2 (5 at 2)
                .containsEntry("country=Brasil", "17.00 30.00 13.00")
                .containsEntry("country=China", "3.00 5.00 2.00")
                // Jeans: p1 of o1 and p3 of o2; Tops: p2 of o1
                .containsEntry("category=Jeans", "9.00 15.00 6.00")
                .containsEntry("category=Tops", "11.00 20.00 9.00")
                .containsEntry("country=Brasil category=Tops", "11.00 20.00 9.00");
        assertThat(Breakdowns.addsUp(marginBy, CATALOG.dimensionsOf(marginBy), rows)).isEmpty();
    }

    @Test
    void cancellationsAreDatedByTheOrderAndReturnsByTheirReturnDay() {
        List<Map<String, Object>> totals = new ArrayList<>();
        warehouse.query("returns_daily", Map.of("from", LocalDate.parse("2025-01-06"), "to",
                LocalDate.parse("2025-01-07")), totals::add);
        assertThat(totals).extracting(r -> r.get("date") + " " + r.get("orders") + " " + r.get("cancelled_orders")
                + " " + r.get("gross_sales") + " " + r.get("returned_orders") + " " + r.get("returned_revenue"))
                .containsExactly(
                        // 01-06: o1 (30.00), o2 (5.00) and o6 (12.00, returned the next day) created, none cancelled
                        "2025-01-06 3 0 47.0 0 0.0",
                        // 01-07: o3 (7.50), o4 (cancelled, 99.00 not a sale) and o5 (no item) created; o6 returned
                        "2025-01-07 3 1 7.5 1 12.0");
        assertThat(((Number) totals.get(0).get("cancel_rate")).doubleValue()).isZero();
        assertThat(((Number) totals.get(1).get("cancel_rate")).doubleValue()).isCloseTo(1.0 / 3,
                org.assertj.core.api.Assertions.within(1e-12));
        // the day's returns against the day's sales: 12.00 / 7.50
        assertThat(((Number) totals.get(1).get("return_rate")).doubleValue()).isCloseTo(1.6,
                org.assertj.core.api.Assertions.within(1e-12));

        KpiDefinition returnsBy = CATALOG.find("returns_daily_by").orElseThrow();
        List<Map<String, Object>> rows = slices(returnsBy, LocalDate.parse("2025-01-07"), LocalDate.parse("2025-01-07"));
        Map<String, String> got = new TreeMap<>();
        rows.forEach(r -> got.put(slice(r), r.get("orders") + " " + r.get("cancelled_orders") + " "
                + String.format(java.util.Locale.ROOT, "%.2f", ((Number) r.get("gross_sales")).doubleValue()) + " "
                + r.get("returned_orders") + " " + String.format(java.util.Locale.ROOT, "%.2f",
                ((Number) r.get("returned_revenue")).doubleValue())));
        assertThat(got).containsEntry("total", "3 1 7.50 1 12.00")
                // o3 of u1 (Brasil); o4 and o5 of u3 (no country); o6 of u2 (China) returned
                .containsEntry("country=Brasil", "1 0 7.50 0 0.00")
                .containsEntry("country=(unknown)", "2 1 0.00 0 0.00")
                .containsEntry("country=China", "0 0 0.00 1 12.00")
                // o3's and o6's items are Jeans (p1), o4's Tops (p2), o5 has none
                .containsEntry("category=Jeans", "1 0 7.50 1 12.00")
                .containsEntry("category=Tops", "1 1 0.00 0 0.00")
                .containsEntry("category=(unknown)", "1 0 0.00 0 0.00");
        assertThat(Breakdowns.addsUp(returnsBy, CATALOG.dimensionsOf(returnsBy), rows)).isEmpty();
    }
}
