package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The catalog's {@code chart} section is checked at load, like the rest of an entry. */
class KpiCatalogChartTest {

    private static KpiDefinition kpi(KpiDefinition.Chart chart) {
        return new KpiDefinition("arms", "d", "arms", KpiDefinition.Grain.SNAPSHOT, "as_of_date", null,
                List.of(new KpiDefinition.Column("as_of_date", "date", "k"),
                        new KpiDefinition.Column("experiment_id", "text", "k"),
                        new KpiDefinition.Column("variant", "text", "k")),
                List.of(new KpiDefinition.Column("is_control", "boolean", "v"),
                        new KpiDefinition.Column("users", "integer", "v")), null, null, null, null, chart);
    }

    @Test
    void aValidChartAndNoChartAreAccepted() {
        assertThat(new KpiCatalog(List.of(kpi(new KpiDefinition.Chart(List.of("users"), "variant", List.of("control"),
                "experiment_id")))).all()).hasSize(1);
        assertThat(new KpiCatalog(List.of(kpi(null))).all().get(0).chart()).isEqualTo(KpiDefinition.Chart.DEFAULT);
    }

    @Test
    void aChartNamingWhatCannotBeDrawnStopsTheStartUp() {
        // a boolean column, the partition as series, the same key twice, series values without a series
        for (KpiDefinition.Chart bad : List.of(new KpiDefinition.Chart(List.of("is_control"), null, null, null),
                new KpiDefinition.Chart(List.of(), null, null, null),
                new KpiDefinition.Chart(null, "as_of_date", null, null),
                new KpiDefinition.Chart(null, "variant", null, "variant"),
                new KpiDefinition.Chart(null, null, List.of("control"), null),
                new KpiDefinition.Chart(null, null, null, "no_such_key"))) {
            assertThatThrownBy(() -> new KpiCatalog(List.of(kpi(bad)))).as(bad.toString())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("chart");
        }
    }

    @Test
    void aWhereFiltersKeysOtherThanThePartitionSeriesAndFacetWithValuesOfTheirType() {
        assertThat(new KpiCatalog(List.of(kpi(new KpiDefinition.Chart(List.of("users"), "experiment_id", null, null,
                java.util.Map.of("variant", "control"))))).all().get(0).chart().where())
                .containsEntry("variant", "control");
        // a non-key (a value column, an unknown name), the partition, the series, the facet
        for (String key : List.of("users", "no_such_key", "as_of_date", "experiment_id")) {
            KpiDefinition.Chart bad = new KpiDefinition.Chart(null, "experiment_id", null, null,
                    java.util.Map.of(key, "x"));
            assertThatThrownBy(() -> new KpiCatalog(List.of(kpi(bad)))).as(key)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("chart where")
                    .hasMessageContaining(key);
        }
        KpiDefinition.Chart onFacet = new KpiDefinition.Chart(null, null, null, "variant",
                java.util.Map.of("variant", "control"));
        assertThatThrownBy(() -> new KpiCatalog(List.of(kpi(onFacet)))).hasMessageContaining("chart where");
    }

    @Test
    void theShippedCatalogsAbSegmentsChartReadsOneSegmentAndSumsTheArms() {
        KpiDefinition segments = KpiCatalog.load(new org.springframework.core.io.FileSystemResource("jobs/kpis.yml"))
                .find("ab_segments").orElseThrow();
        assertThat(segments.chart().where()).containsExactly(java.util.Map.entry("segment", "traffic_source"));
        assertThat(segments.chartKeys()).containsExactly("as_of_date", "experiment_id", "segment_value");
    }

    private static KpiDefinition withValue(KpiDefinition.Column value) {
        return new KpiDefinition("rates", "d", "rates", KpiDefinition.Grain.DAILY, "date", null,
                List.of(new KpiDefinition.Column("date", "date", "k")), List.of(value), null, null, null, null, null);
    }

    private static KpiDefinition withAnomaly(KpiDefinition.Anomaly anomaly) {
        return new KpiDefinition("orders", "d", "orders", KpiDefinition.Grain.DAILY, "date", null,
                List.of(new KpiDefinition.Column("date", "date", "k")),
                List.of(new KpiDefinition.Column("orders", "integer", "v")), null, null, null, anomaly, null);
    }

    @Test
    void anAnomalyJudgesSevenDaysUnlessToldAndRefusesADetectionPeriodOutside1To366() {
        assertThat(KpiCatalog.load(new org.springframework.core.io.FileSystemResource("jobs/kpis.yml"))
                .find("revenue_daily").orElseThrow().anomaly().detectionPeriodDays()).isEqualTo(7);
        assertThat(new KpiCatalog(List.of(withAnomaly(new KpiDefinition.Anomaly("orders", 4, 4.0, null, 30)))).all()
                .get(0).anomaly().detectionPeriodDays()).isEqualTo(30);
        for (int bad : new int[] {0, 367}) {
            assertThatThrownBy(() -> new KpiCatalog(List.of(withAnomaly(new KpiDefinition.Anomaly("orders", 4, 4.0,
                    null, bad))))).as(String.valueOf(bad)).hasMessageContaining("1..366 detection-days");
        }
    }

    @Test
    void unitShareIsAcceptedOnADecimalColumnOnly() {
        assertThat(new KpiCatalog(List.of(withValue(new KpiDefinition.Column("rate", "decimal", "v", "share"))))
                .all().get(0).values().get(0).isShare()).isTrue();
        assertThat(new KpiCatalog(List.of(withValue(new KpiDefinition.Column("rate", "decimal", "v")))).all().get(0)
                .values().get(0).isShare()).isFalse();
        for (KpiDefinition.Column bad : List.of(new KpiDefinition.Column("rate", "decimal", "v", "percent"),
                new KpiDefinition.Column("n", "integer", "v", "share"))) {
            assertThatThrownBy(() -> new KpiCatalog(List.of(withValue(bad)))).as(bad.toString())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("unit");
        }
    }

    @Test
    void theShippedCatalogDeclaresTheFunnelAndRetentionRatesAsShares() {
        KpiCatalog catalog = KpiCatalog.load(new org.springframework.core.io.FileSystemResource("jobs/kpis.yml"));
        assertThat(catalog.find("funnel_daily").orElseThrow().values().stream().filter(KpiDefinition.Column::isShare)
                .map(KpiDefinition.Column::name)).containsExactly("home_to_department", "department_to_product",
                "product_to_cart", "cart_to_purchase", "session_conversion");
        assertThat(catalog.find("retention_weekly").orElseThrow().values().stream()
                .filter(KpiDefinition.Column::isShare).map(KpiDefinition.Column::name))
                .containsExactly("retention_rate");
    }

    private static KpiDefinition daily(KpiDefinition.Page page) {
        return new KpiDefinition("orders", "d", "orders", KpiDefinition.Grain.DAILY, "date", null,
                List.of(new KpiDefinition.Column("date", "date", "k")),
                List.of(new KpiDefinition.Column("orders", "integer", "v"),
                        new KpiDefinition.Column("carts", "integer", "v"),
                        new KpiDefinition.Column("revenue", "decimal", "v"),
                        new KpiDefinition.Column("note", "text", "v")), null, null, null, null, null, page);
    }

    @Test
    void pageSectionsAndHeadlinesAreCheckedAtLoad() {
        java.util.Map<String, String> twoStages = new java.util.LinkedHashMap<>();
        twoStages.put("cart", "carts");
        twoStages.put("order", "orders");
        assertThat(new KpiCatalog(List.of(daily(new KpiDefinition.Page(twoStages, null)))).all().get(0).page()
                .funnel().keySet()).containsExactly("cart", "order");
        // a one-stage funnel, a stage on a decimal column, cohorts on a daily KPI
        for (KpiDefinition.Page bad : List.of(new KpiDefinition.Page(java.util.Map.of("cart", "carts"), null),
                new KpiDefinition.Page(java.util.Map.of("cart", "carts", "paid", "revenue"), null),
                new KpiDefinition.Page(null, new KpiDefinition.Cohorts("orders", "orders", "carts", "revenue")))) {
            assertThatThrownBy(() -> new KpiCatalog(List.of(daily(bad)))).as(bad.toString())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("page");
        }
        KpiDefinition kpi = daily(null);
        assertThat(new KpiCatalog(List.of(kpi), List.of(new Headline("AOV", "orders", null, "revenue", "orders",
                "revenue", "money"))).overview()).hasSize(1);
        for (Headline bad : List.of(new Headline("x", "nope", "orders", null, null, null, "integer"),
                new Headline("x", "orders", "orders", "revenue", "orders", null, "integer"),
                new Headline("x", "orders", null, "revenue", null, null, "money"),
                new Headline("x", "orders", "note", null, null, null, "integer"),
                new Headline("x", "orders", null, "revenue", "orders", null, "money"),
                new Headline("x", "orders", "orders", null, null, null, "euro"))) {
            assertThatThrownBy(() -> new KpiCatalog(List.of(kpi), List.of(bad))).as(bad.toString())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("overview entry 'x'");
        }
    }
}
