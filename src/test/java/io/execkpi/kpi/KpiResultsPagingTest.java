package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The results store's page, count and chart reads on a real (in-memory) H2 store, against rows and sums worked out
 * by hand. The same reads run on the application's store, H2 or PostgreSQL, in {@code KpiApiTest}.
 */
class KpiResultsPagingTest {

    private static final LocalDate D1 = LocalDate.parse("2026-11-01");
    private static final LocalDate D2 = LocalDate.parse("2026-11-02");

    private JdbcTemplate jdbc;
    private KpiResultsRepository results;

    @BeforeEach
    void store() {
        DriverManagerDataSource ds = new DriverManagerDataSource(
                "jdbc:h2:mem:paging" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        jdbc = new JdbcTemplate(ds);
        results = new KpiResultsRepository(jdbc, new io.execkpi.quality.WriteLocks(jdbc,
                new DataSourceTransactionManager(ds)));
    }

    private static KpiDefinition.Column key(String name, String type) {
        return new KpiDefinition.Column(name, type, "k");
    }

    private static KpiDefinition.Column value(String name, String type) {
        return new KpiDefinition.Column(name, type, "v");
    }

    /** An ab_segments-like KPI. */
    private static KpiDefinition segments(KpiDefinition.Chart chart) {
        return new KpiDefinition("segs", "d", "segs", KpiDefinition.Grain.SNAPSHOT, "as_of_date", null,
                List.of(key("as_of_date", "date"), key("experiment_id", "text"), key("segment", "text"),
                        key("segment_value", "text"), key("variant", "text")),
                List.of(value("users", "integer"), value("converters", "integer"), value("revenue_sum", "decimal")),
                null, null, null, null, chart);
    }

    private void create(KpiDefinition kpi) {
        KpiResultTables.statements(kpi, Set.of()).forEach(jdbc::execute);
    }

    private void insert(LocalDate date, String experiment, String segment, String segmentValue, String variant,
                        long users, Long converters, double revenue) {
        jdbc.update("INSERT INTO kpi_segs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", date, experiment, segment, segmentValue,
                variant, users, converters, revenue);
    }

    private static final KpiDefinition.Chart BY_TRAFFIC_SOURCE = new KpiDefinition.Chart(
            List.of("users", "converters"), "segment_value", null, "experiment_id",
            Map.of("segment", "traffic_source"));

    private void abRows() {
        insert(D1, "e1", "traffic_source", "Search", "control", 10, 1L, 5.0);
        insert(D1, "e1", "traffic_source", "Search", "treatment", 12, 2L, 7.5);
        insert(D1, "e1", "traffic_source", "Email", "control", 5, 0L, 0.0);
        insert(D1, "e1", "traffic_source", "Email", "treatment", 7, 1L, 3.0);
        insert(D1, "e1", "country", "US", "control", 15, 1L, 2.0);     // another segment: not charted
        insert(D1, "e1", "country", "US", "treatment", 19, 3L, 4.0);
        insert(D2, "e1", "traffic_source", "Search", "control", 20, 3L, 9.0);
        insert(D2, "e1", "traffic_source", "Search", "treatment", 21, 5L, 11.0);
        insert(D2, "e1", "traffic_source", "Email", "control", 8, null, 1.0);  // its only arm of the date: null sum
        insert(D2, "e2", "traffic_source", "Search", "control", 4, 0L, 0.0);
        insert(D2, "e2", "traffic_source", "Search", "treatment", 6, 1L, 2.0);
    }

    @Test
    void theChartSumsTheArmsOfEachTrafficSourceInSql() {
        KpiDefinition kpi = segments(BY_TRAFFIC_SOURCE);
        create(kpi);
        abRows();
        List<KpiDefinition.Column> columns = io.execkpi.kpi.page.KpiCharts.chartedColumns(kpi);
        List<Map<String, Object>> rows = results.readChart(kpi, columns, D1, D2);
        // by hand: users and converters of control + treatment per (date, experiment, traffic source)
        assertThat(rows).extracting(r -> Arrays.asList(r.get("as_of_date"), r.get("experiment_id"),
                r.get("segment_value"), r.get("users"), r.get("converters"))).containsExactly(
                Arrays.asList(D1, "e1", "Email", 12L, 1L),
                Arrays.asList(D1, "e1", "Search", 22L, 3L),
                Arrays.asList(D2, "e1", "Email", 8L, null),
                Arrays.asList(D2, "e1", "Search", 41L, 8L),
                Arrays.asList(D2, "e2", "Search", 10L, 1L));
        assertThat(results.readChart(kpi, columns, D2, D2)).hasSize(3);

        assertThat(io.execkpi.kpi.page.KpiCharts.chartNote(kpi)).isEqualTo("Charted: the rows with segment = traffic_source,"
                + " each value summed over variant. The table, CSV and JSON hold every row.");
        assertThat(io.execkpi.kpi.page.KpiCharts.chartNote(segments(null))).isNull();
        List<io.execkpi.kpi.page.KpiCharts.ChartGroup> groups = io.execkpi.kpi.page.KpiCharts.charts(kpi, rows);
        assertThat(groups).extracting(io.execkpi.kpi.page.KpiCharts.ChartGroup::facet).containsExactly("e1", "e2");
        io.execkpi.kpi.page.KpiCharts.ColumnChart users = groups.get(0).charts().get(0);
        assertThat(users.id()).isEqualTo("chart-e1-users");
        assertThat(series(users)).extracting(m -> m.get("name")).containsExactly("Email", "Search");
        assertThat(data(users, 0)).containsExactly(12L, 8L);
        assertThat(data(users, 1)).containsExactly(22L, 41L);
        assertThat(data(groups.get(0).charts().get(1), 0)).containsExactly(1L, null);
        assertThat(data(groups.get(1).charts().get(0), 0)).containsExactly(null, 10L);
    }

    @Test
    void aChartCoveringEveryKeyReadsTheStoredRowsAsTheyAre() {
        KpiDefinition kpi = segments(null);
        create(kpi);
        abRows();
        List<Map<String, Object>> rows = results.readChart(kpi, io.execkpi.kpi.page.KpiCharts.chartedColumns(kpi), D1, D2);
        assertThat(rows).hasSize(11);
        assertThat(rows).isEqualTo(results.read(kpi, D1, D2));
        // the same rows with a where: the stored values of that segment, its key left out of the line names
        KpiDefinition filtered = segments(new KpiDefinition.Chart(null, null, null, null,
                Map.of("segment", "country")));
        List<Map<String, Object>> country = results.readChart(filtered,
                io.execkpi.kpi.page.KpiCharts.chartedColumns(filtered), D1, D2);
        assertThat(country).extracting(r -> r.get("users")).containsExactly(15L, 19L);
        assertThat(io.execkpi.kpi.page.KpiCharts.charts(filtered, country).get(0).charts().get(0).option().get("series"))
                .asString().contains("e1 / US / control").doesNotContain("country");
    }

    @Test
    void aPageIsOneSliceNewestFirstThenByKeyWithTheCountOfTheRange() {
        KpiDefinition kpi = segments(null);
        create(kpi);
        LocalDate first = LocalDate.parse("2026-01-01");
        String[][] combos = {{"a", "control"}, {"a", "treatment"}, {"b", "control"}, {"b", "treatment"}};
        for (int d = 0; d < 60; d++) {
            for (String[] c : combos) {
                insert(first.plusDays(d), "e", "browser", c[0], c[1], d, (long) d, 0.5);
            }
        }
        LocalDate last = first.plusDays(59);
        assertThat(results.count(kpi, first, last)).isEqualTo(240);
        assertThat(results.count(kpi, last, last)).isEqualTo(4);
        // rows 101..200 newest first: row 101 is the 26th date from the end (100 / 4 = 25 dates before it), combo 1
        List<Map<String, Object>> page2 = results.readPage(kpi, first, last, 100, 100);
        assertThat(page2).hasSize(100);
        assertThat(page2.get(0)).containsEntry("as_of_date", last.minusDays(25)).containsEntry("segment_value", "a")
                .containsEntry("variant", "control").containsEntry("users", 34L);
        assertThat(page2.get(1)).containsEntry("variant", "treatment").containsEntry("segment_value", "a");
        assertThat(page2.get(3)).containsEntry("segment_value", "b").containsEntry("variant", "treatment");
        assertThat(page2.get(99)).containsEntry("as_of_date", last.minusDays(49)).containsEntry("variant", "treatment")
                .containsEntry("segment_value", "b");
        // the last page holds the 40 rows of the 10 oldest dates
        List<Map<String, Object>> page3 = results.readPage(kpi, first, last, 200, 100);
        assertThat(page3).hasSize(40);
        assertThat(page3.getLast()).containsEntry("as_of_date", first).containsEntry("revenue_sum", 0.5);
        assertThat(results.readPage(kpi, first, last, 300, 100)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> series(io.execkpi.kpi.page.KpiCharts.ColumnChart chart) {
        return (List<Map<String, Object>>) chart.option().get("series");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> data(io.execkpi.kpi.page.KpiCharts.ColumnChart chart, int series) {
        return new ArrayList<>((List<Object>) series(chart).get(series).get("data"));
    }
}
