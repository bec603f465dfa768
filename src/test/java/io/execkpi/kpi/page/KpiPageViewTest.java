package io.execkpi.kpi.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.web.Formats;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.FileSystemResource;

/** The funnel and cohort views of the KPI pages against values worked out by hand. */
class KpiPageViewTest {

    private static final KpiCatalog CATALOG = KpiCatalog.load(new FileSystemResource("jobs/kpis.yml"));
    /** The catalog's funnel: home > department > product > cart > purchase, each a {@code <stage>_sessions} column. */
    private static final Map<String, String> FUNNEL_STAGES = CATALOG.find("funnel_daily").orElseThrow().page().funnel();
    private static final KpiDefinition.Cohorts COHORTS = CATALOG.find("retention_weekly").orElseThrow().page()
            .cohorts();

    private static Map<String, Object> day(long home, long department, long product, long cart, long purchase) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("home_sessions", home);
        row.put("department_sessions", department);
        row.put("product_sessions", product);
        row.put("cart_sessions", cart);
        row.put("purchase_sessions", purchase);
        return row;
    }

    @Test
    void funnelStagesAreSummedOverTheRangeWithStageToStageRates() {
        FunnelView.Funnel f = FunnelView.funnel(FUNNEL_STAGES, List.of(day(100, 50, 40, 10, 2), day(100, 30, 20, 10, 3)));
        assertThat(f.stages()).extracting(FunnelView.Stage::sessions).containsExactly(200L, 80L, 60L, 20L, 5L);
        assertThat(f.stages().get(0).rateFromPrevious()).isNull();
        assertThat(f.stages().get(1).rateFromPrevious()).isCloseTo(0.4, within(1e-12));   // 80 / 200
        assertThat(f.stages().get(2).rateFromPrevious()).isCloseTo(0.75, within(1e-12));  // 60 / 80
        assertThat(f.stages().get(4).rateFromPrevious()).isCloseTo(0.25, within(1e-12));  // 5 / 20
        assertThat(f.stages().get(4).rateFromFirst()).isCloseTo(0.025, within(1e-12));    // 5 / 200
        assertThat(FunnelView.funnel(FUNNEL_STAGES, List.of(day(0, 0, 0, 0, 0))).stages().get(1).rateFromPrevious()).isNull();
    }

    private static Map<String, Object> cell(String cohort, int week, long users, long active) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("cohort_week", LocalDate.parse(cohort));
        row.put("week_n", (long) week);
        row.put("cohort_users", users);
        row.put("active_users", active);
        row.put("retention_rate", (double) active / users);
        return row;
    }

    @Test
    void cohortsBecomeAMatrixWithGapsForWeeksNotBegun() {
        CohortView.Cohorts c = CohortView.cohorts(COHORTS, "cohort_week", List.of(cell("2026-11-02", 0, 10, 10),
                cell("2026-11-02", 1, 10, 4), cell("2026-11-09", 0, 5, 5)));
        assertThat(c.weeks()).containsExactly("0", "1");
        assertThat(c.cohorts()).hasSize(2);
        assertThat(c.cohorts().get(0).rates()).containsExactly(1.0, 0.4);
        assertThat(c.cohorts().get(0).active()).containsExactly(10L, 4L);
        assertThat(c.cohorts().get(1).rates()).containsExactly(1.0, null);
        assertThat(c.cohorts().get(1).cohortUsers()).isEqualTo(5);
        // three cells, one per row: cohort 2026-11-09 week 1 has none (blank, not a tinted 0)
        @SuppressWarnings("unchecked")
        List<List<Number>> cells = (List<List<Number>>) ((List<Map<String, Object>>) c.chart().get("series")).get(0)
                .get("data");
        assertThat(cells).containsExactly(List.of(0, 0, 1.0, 10L, 10L), List.of(1, 0, 0.4, 4L, 10L),
                List.of(0, 1, 1.0, 5L, 5L));
        // a row without a rate (a cohort of 0 users) is no cell either
        Map<String, Object> noRate = cell("2026-11-16", 0, 1, 0);
        noRate.put("retention_rate", null);
        assertThat((List<?>) ((List<Map<String, Object>>) CohortView.cohorts(COHORTS, "cohort_week", List.of(noRate)).chart()
                .get("series")).get(0).get("data")).isEmpty();
    }

    @Test
    void shareColumnsArePercentWithOneDecimalInTheTable() {
        KpiDefinition funnel = new KpiDefinition("f", "d", "f", KpiDefinition.Grain.DAILY, "date", null,
                List.of(new KpiDefinition.Column("date", "date", "k")),
                List.of(new KpiDefinition.Column("rate", "decimal", "v", "share"),
                        new KpiDefinition.Column("aov", "decimal", "v")), null, null, null, null, null);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("date", LocalDate.parse("2026-11-02"));
        row.put("rate", 0.8062);     // 80.62 % -> 80.6 %
        row.put("aov", 0.8062);      // not a share: as it is
        Map<String, Object> one = new LinkedHashMap<>(row);
        one.put("rate", 1.0);        // 100.0 %, not "1.00"
        one.put("aov", null);
        Map<String, Object> third = new LinkedHashMap<>(row);
        third.put("rate", 0.233);    // 23.3 %, not "0.233"
        KpiTable.TablePage page = KpiTable.table(funnel, List.of(row, one, third), 1, 3,
                new io.execkpi.web.Formats());
        assertThat(page.rows()).extracting(r -> r.get(1).text()).containsExactly("80.6 %", "100.0 %", "23.3 %");
        assertThat(page.rows()).extracting(r -> r.get(2).text()).containsExactly("0.8062", "–", "0.8062");
    }

    private static final KpiDefinition.Column DATE = new KpiDefinition.Column("as_of_date", "date", "k");

    /** An ab_metrics-like KPI: partition, experiment and arm keys; users and converters charted per experiment. */
    private static KpiDefinition arms(KpiDefinition.Chart chart) {
        return new KpiDefinition("arms", "d", "arms", KpiDefinition.Grain.SNAPSHOT, "as_of_date", null,
                List.of(DATE, new KpiDefinition.Column("experiment_id", "text", "k"),
                        new KpiDefinition.Column("variant", "text", "k")),
                List.of(new KpiDefinition.Column("is_control", "boolean", "v"),
                        new KpiDefinition.Column("users", "integer", "v"),
                        new KpiDefinition.Column("converters", "integer", "v"),
                        new KpiDefinition.Column("weight", "decimal", "v")), null, null, null, null, chart);
    }

    private static Map<String, Object> arm(String date, String experiment, String variant, long users,
                                           long converters) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("as_of_date", LocalDate.parse(date));
        row.put("experiment_id", experiment);
        row.put("variant", variant);
        row.put("is_control", variant.equals("control"));
        row.put("users", users);
        row.put("converters", converters);
        row.put("weight", 0.5);
        return row;
    }

    // rows in the API's key order; experiment "b" starts a day later, so its first date is a gap
    private static final List<Map<String, Object>> ARM_ROWS = List.of(
            arm("2026-11-01", "a", "control", 10, 1), arm("2026-11-01", "a", "treatment", 12, 2),
            arm("2026-11-02", "a", "control", 20, 3), arm("2026-11-02", "a", "treatment", 21, 5),
            arm("2026-11-02", "b", "control", 7, 0));

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> series(KpiCharts.ColumnChart chart) {
        return (List<Map<String, Object>>) chart.option().get("series");
    }

    @SuppressWarnings("unchecked")
    private static List<String> x(KpiCharts.ColumnChart chart) {
        return (List<String>) ((Map<String, Object>) chart.option().get("xAxis")).get("data");
    }

    @Test
    void aFacetGivesEachExperimentItsChartsWithALinePerArm() {
        List<KpiCharts.ChartGroup> groups = KpiCharts.charts(arms(
                new KpiDefinition.Chart(List.of("converters", "users"), "variant", null, "experiment_id")), ARM_ROWS);
        assertThat(groups).extracting(KpiCharts.ChartGroup::facet).containsExactly("a", "b");
        KpiCharts.ChartGroup a = groups.get(0);
        // the catalog's column order, ids per facet value
        assertThat(a.charts()).extracting(KpiCharts.ColumnChart::id)
                .containsExactly("chart-a-converters", "chart-a-users");
        assertThat(x(a.charts().get(1))).containsExactly("2026-11-01", "2026-11-02");
        assertThat(series(a.charts().get(1))).extracting(m -> m.get("name")).containsExactly("control", "treatment");
        assertThat((List<Object>) series(a.charts().get(1)).get(0).get("data")).containsExactly(10L, 20L);
        assertThat((List<Object>) series(a.charts().get(0)).get(1).get("data")).containsExactly(2L, 5L);
        KpiCharts.ChartGroup b = groups.get(1);
        assertThat(series(b.charts().get(1))).hasSize(1);
        assertThat((List<Object>) series(b.charts().get(1)).get(0).get("data")).containsExactly(null, 7L);
    }

    @Test
    void withoutAChartSectionEveryNumericColumnIsDrawnWithALinePerKeyCombination() {
        List<KpiCharts.ChartGroup> groups = KpiCharts.charts(arms(null), ARM_ROWS);
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).facet()).isNull();
        assertThat(groups.get(0).charts()).extracting(KpiCharts.ColumnChart::id)
                .containsExactly("chart-users", "chart-converters", "chart-weight");
        assertThat(series(groups.get(0).charts().get(0))).extracting(m -> m.get("name"))
                .containsExactly("a / control", "a / treatment", "b / control");
    }

    @Test
    void seriesValuesPickTheLinesInTheCatalogsOrder() {
        KpiDefinition retention = new KpiDefinition("ret", "d", "ret", KpiDefinition.Grain.WEEKLY_COHORT,
                "cohort_week", null, List.of(new KpiDefinition.Column("cohort_week", "date", "k"),
                        new KpiDefinition.Column("week_n", "integer", "k")),
                List.of(new KpiDefinition.Column("cohort_users", "integer", "v"),
                        new KpiDefinition.Column("active_users", "integer", "v"),
                        new KpiDefinition.Column("retention_rate", "decimal", "v")), null, null, null, null,
                new KpiDefinition.Chart(List.of("retention_rate"), "week_n", List.of("1", "0", "12"), null));
        List<Map<String, Object>> rows = List.of(cell("2026-11-02", 0, 10, 10), cell("2026-11-02", 1, 10, 4),
                cell("2026-11-02", 2, 10, 3), cell("2026-11-09", 0, 5, 5));
        KpiCharts.ColumnChart chart = KpiCharts.charts(retention, rows).get(0).charts().get(0);
        assertThat(chart.id()).isEqualTo("chart-retention_rate");
        // week 12 has no row yet: its line is left out (legend included) and named as not drawn
        assertThat(series(chart)).extracting(m -> m.get("name")).containsExactly("week_n 1", "week_n 0");
        assertThat(chart.withoutData()).containsExactly("week_n 12");
        assertThat((List<Object>) series(chart).get(0).get("data")).containsExactly(0.4, null);
        assertThat((List<Object>) series(chart).get(1).get("data")).containsExactly(1.0, 1.0);
    }

    @Test
    void theTableFormatsThePagesRowsAndEscapesItsText() {
        // page 2 of 160 rows: the store's rows 101..160, as readPage returns them
        List<Map<String, Object>> pageRows = new java.util.ArrayList<>();
        for (int d = 30; d >= 1; d--) {
            for (String v : List.of("control", "<b>")) {
                pageRows.add(arm("2026-10-" + String.format("%02d", d), "a", v, 1000L * d, d));
            }
        }
        KpiTable.TablePage page = KpiTable.table(arms(null), pageRows, 2, 160,
                new io.execkpi.web.Formats());
        assertThat(page.total()).isEqualTo(160);
        assertThat(page.pages()).isEqualTo(2);
        assertThat(page.first()).isEqualTo(101);
        assertThat(page.last()).isEqualTo(160);
        assertThat(page.rows().get(0).get(0).text()).isEqualTo("2026-10-30");
        assertThat(page.rows().get(0).get(2).text()).isEqualTo("control");
        assertThat(page.rows().get(1).get(2).text()).isEqualTo("<b>");
        assertThat(page.rows().get(0).get(4).text()).isEqualTo("30,000");
        assertThat(page.rows().getLast().get(0).text()).isEqualTo("2026-10-01");
        assertThat(page.html()).contains("<td>&lt;b&gt;</td>").contains("<td class=\"num\">30,000</td>")
                .doesNotContain("<b>");
        KpiTable.TablePage empty = KpiTable.table(arms(null), List.of(), 1, 0,
                new io.execkpi.web.Formats());
        assertThat(empty.first()).isZero();
        assertThat(empty.pages()).isEqualTo(1);
    }

    @Test
    void thePageParameterIsAWholeNumberOfAtLeastOne() {
        assertThat(KpiTable.pageNumber(null)).isEqualTo(1);
        assertThat(KpiTable.pageNumber(" 3 ")).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KpiTable.pageNumber("0"))
                .isInstanceOf(io.execkpi.web.ApiException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KpiTable.pageNumber("x"))
                .isInstanceOf(io.execkpi.web.ApiException.class);
    }
}
