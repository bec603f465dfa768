package io.execkpi.kpi.page;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiReads;
import io.execkpi.web.Charts;

/**
 * The charts of a KPI page, as the catalog's {@link KpiDefinition.Chart} says: small multiples of the charted value
 * columns over the partition, built from the rows {@link KpiReads#chartRows} groups in SQL.
 */
public final class KpiCharts {

    private KpiCharts() {
    }

    /** Value columns that can be drawn (integer and decimal), in catalog order. */
    public static List<KpiDefinition.Column> numericValues(KpiDefinition kpi) {
        return kpi.values().stream().filter(c -> c.type().equals("integer") || c.type().equals("decimal")).toList();
    }

    /** The value columns the page draws: the catalog's {@code chart.columns} in that order, or every numeric one. */
    public static List<KpiDefinition.Column> chartedColumns(KpiDefinition kpi) {
        List<KpiDefinition.Column> numeric = numericValues(kpi);
        List<String> wanted = kpi.chart().columns();
        if (wanted == null) {
            return numeric;
        }
        return wanted.stream().map(w -> numeric.stream().filter(c -> c.name().equals(w)).findFirst().orElseThrow())
                .toList();
    }

    /**
     * One small time-series chart of a value column (of one facet value when the catalog names a facet).
     *
     * @param withoutData names of the catalog's lines that have no point in the range and are not drawn (never null)
     */
    public record ColumnChart(String id, KpiDefinition.Column column, Map<String, Object> option,
                              List<String> withoutData) {
    }

    /** The charts of one value of the facet key (null: the KPI has no facet, a single group). */
    public record ChartGroup(String facet, List<ColumnChart> charts) {
    }

    /**
     * Small multiples as the catalog's {@link KpiDefinition.Chart} says: per facet value (or once) one chart per
     * charted column, each on its own scale, x = the partition dates of the rows (ISO, ascending), a line per value
     * of the series key (or per combination of the keys other than the partition, facet and {@code where} keys,
     * joined with " / "): {@code rows} are the chart's rows of {@link KpiReads#chartRows} (a
     * (partition, series) cell met twice keeps its last value);
     * a missing (partition, series) cell is a gap (null), and so is every point of a listed series value without
     * rows. Chart ids are {@code chart-<column>}, with a facet {@code chart-<facet value>-<column>} (characters other
     * than letters, digits, '-' and '_' replaced by '_'). One pass over the rows.
     */
    public static List<ChartGroup> charts(KpiDefinition kpi, List<Map<String, Object>> rows) {
        KpiDefinition.Chart spec = kpi.chart();
        List<KpiDefinition.Column> columns = chartedColumns(kpi);
        List<String> seriesKeys = kpi.chartSeriesKeys();
        boolean namedSeries = spec.series() != null && kpi.keys().stream()
                .anyMatch(k -> k.name().equals(spec.series()) && !k.type().equals("text"));
        Map<String, Integer> xIndex = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            xIndex.putIfAbsent(String.valueOf(r.get(kpi.partition())), xIndex.size());
        }
        List<String> x = List.copyOf(xIndex.keySet());
        // facet value -> series name -> one array of x values per charted column
        Map<String, Map<String, Number[][]>> cells = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            String series = seriesKeys.size() == 1 ? String.valueOf(r.get(seriesKeys.get(0)))
                    : String.join(" / ", seriesKeys.stream().map(k -> String.valueOf(r.get(k))).toList());
            if (spec.seriesValues() != null && !spec.seriesValues().contains(series)) {
                continue;
            }
            String facet = spec.facet() == null ? "" : String.valueOf(r.get(spec.facet()));
            Number[][] values = cells.computeIfAbsent(facet, f -> new LinkedHashMap<>())
                    .computeIfAbsent(series, k -> new Number[columns.size()][x.size()]);
            int i = xIndex.get(String.valueOf(r.get(kpi.partition())));
            for (int c = 0; c < columns.size(); c++) {
                values[c][i] = (Number) r.get(columns.get(c).name());
            }
        }
        List<ChartGroup> groups = new ArrayList<>();
        cells.forEach((facet, bySeries) -> {
            // the catalog's series values in its order; a line without a single point in the range (e.g. week 12
            // before any cohort is 12 weeks old) is left out of the chart and its legend and named in the caption
            List<String> order = spec.seriesValues() != null ? spec.seriesValues() : List.copyOf(bySeries.keySet());
            List<ColumnChart> charts = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                int column = c;
                List<Charts.Series> all = order.stream().map(name -> new Charts.Series(
                        namedSeries ? spec.series() + " " + name : name.isEmpty() ? columns.get(column).name() : name,
                        java.util.Arrays.asList(bySeries.containsKey(name) ? bySeries.get(name)[column]
                                : new Number[x.size()]))).toList();
                List<Charts.Series> series = all.stream()
                        .filter(s -> s.values().stream().anyMatch(Objects::nonNull)).toList();
                List<String> withoutData = all.stream().filter(s -> !series.contains(s)).map(Charts.Series::name)
                        .toList();
                String id = "chart-" + (facet.isEmpty() ? "" : facet.replaceAll("[^A-Za-z0-9_-]", "_") + "-")
                        + columns.get(c).name();
                charts.add(new ColumnChart(id, columns.get(c), Charts.lines(x, series, series.size() == 1),
                        withoutData));
            }
            groups.add(new ChartGroup(spec.facet() == null ? null : facet, charts));
        });
        return groups;
    }

    /**
     * What the charts leave out or add up, in words (null when they draw every stored row as it is), e.g.
     * "Charted: the rows with segment = traffic_source, each value summed over variant."
     */
    public static String chartNote(KpiDefinition kpi) {
        List<String> parts = new ArrayList<>();
        if (!kpi.chart().where().isEmpty()) {
            parts.add("the rows with " + String.join(" and ", kpi.chart().where().entrySet().stream()
                    .map(e -> e.getKey() + " = " + e.getValue()).toList()));
        }
        List<String> summed = kpi.chartSummedKeys();
        if (!summed.isEmpty()) {
            parts.add("each value summed over " + String.join(" and ", summed));
        }
        return parts.isEmpty() ? null : "Charted: " + String.join(", ", parts)
                + ". The table, CSV and JSON hold every row.";
    }
}
