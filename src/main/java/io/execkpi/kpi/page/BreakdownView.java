package io.execkpi.kpi.page;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.execkpi.kpi.Dimension;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiReads;
import io.execkpi.web.Charts;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * The "By dimension" section of a KPI page whose catalog entry has a breakdown: a selector of its dimensions, the
 * range's total of the ranked measure per value as a ranked bar chart (largest first) with its change against the
 * previous period of the same length, the daily series of the {@link #TOP} largest values (the rest summed as "all
 * others"), and a table of every measure and ratio per value. Every number is {@link KpiReads#summary}'s or
 * {@link KpiReads#sliced}'s, the API's own reads.
 */
public final class BreakdownView {

    /** Values drawn as their own line; the others are summed into one. */
    public static final int TOP = 5;

    private BreakdownView() {
    }

    /** A link of the dimension selector: the dimension, the page's address with it, whether it is the one shown. */
    public record Link(String dimension, String href, boolean current) {
    }

    /**
     * One value of the dimension over the period.
     *
     * @param values   the measures and ratios in the table's column order (null where undefined)
     * @param formats  how each is shown: "integer" (a count), "percent" (a share ratio) or "decimal" (2 decimals)
     * @param change   relative change of the ranked measure against the previous period (share; null without one)
     * @param share    the value's share of the sum over values of the ranked measure (0..1; null when that is 0)
     */
    public record Row(String value, List<Number> values, List<String> formats, Double change, Double share) {
    }

    /**
     * The section.
     *
     * @param by        the dimension shown
     * @param filter    the dimension filtered on (null: none) and its {@code filterValue}
     * @param measure   the ranked measure (the breakdown's first sum, else its first measure)
     * @param columns   the table's value columns: measures then ratios
     * @param additive  whether the ranked measure adds up over the values of {@code by} (else the share is omitted)
     * @param previous  the comparison period "from – to"
     * @param barsHeight the bar chart's height in CSS pixels: {@link #BAR_PX} per value and room for the axis
     */
    public record Section(List<Link> links, String by, String filter, String filterValue, String measure,
                          List<String> columns, List<Row> rows, boolean additive, String previous,
                          Map<String, Object> bars, int barsHeight, Map<String, Object> lines, String csv,
                          String json) {
    }

    /** Height of one bar of the ranked chart, so that every value's label stays legible. */
    static final int BAR_PX = 20;

    /** The measure the section ranks values by: the first {@code sum} measure, else the first measure. */
    static KpiDefinition.Measure ranked(KpiDefinition.Breakdown b) {
        return b.measures().stream().filter(m -> m.aggregate().equals("sum")).findFirst()
                .orElse(b.measures().get(0));
    }

    /**
     * Builds the section for the page's range.
     *
     * @param by         the dimension asked for ({@code ?by=}), or null for the KPI's first
     * @param filter     the page's dimension filter (at most one entry)
     * @param dimension  a catalog dimension by name (its key: whether the ranked measure adds up over it; whether it
     *                   pairs with the filter)
     * @throws io.execkpi.web.ApiException as {@link KpiReads#sliced} for a bad {@code by} or filter
     */
    static Section section(KpiReads reads, KpiDefinition kpi, LocalDate from, LocalDate to, String by,
                           Map<String, String> filter, java.util.function.Function<String, Dimension> dimension) {
        KpiDefinition.Breakdown b = kpi.breakdown();
        boolean pairsWithAll = filter.isEmpty() || dimension.apply(filter.keySet().iterator().next()).isFilter();
        String shown = by != null && !by.isBlank() ? by.strip() : b.dimensions().stream()
                .filter(d -> !filter.containsKey(d) && (pairsWithAll || dimension.apply(d).isFilter())).findFirst()
                .orElse(b.dimensions().get(0));
        KpiReads.KpiRows current = reads.summary(kpi.name(), from.toString(), to.toString(), shown, filter);
        long days = to.toEpochDay() - from.toEpochDay() + 1;
        LocalDate prevTo = from.minusDays(1);
        LocalDate prevFrom = prevTo.minusDays(days - 1);
        Map<String, Map<String, Object>> before = new LinkedHashMap<>();
        reads.summary(kpi.name(), prevFrom.toString(), prevTo.toString(), shown, filter).rows()
                .forEach(r -> before.put(String.valueOf(r.get(shown)), r));
        KpiDefinition.Measure m = ranked(b);
        List<String> columns = new ArrayList<>();
        b.measures().forEach(x -> columns.add(x.name()));
        b.ratios().forEach(x -> columns.add(x.name()));
        List<Map<String, Object>> sorted = current.rows().stream()
                .sorted(Comparator.comparingDouble((Map<String, Object> r) -> -((Number) r.get(m.name())).doubleValue())
                        .thenComparing(r -> String.valueOf(r.get(shown)))).toList();
        List<String> formats = columns.stream().map(c -> b.measures().stream()
                .anyMatch(x -> x.name().equals(c) && x.type().equals("integer")) ? "integer" : b.ratios().stream()
                .anyMatch(x -> x.name().equals(c) && KpiDefinition.Column.SHARE.equals(x.unit())) ? "percent"
                : "decimal").toList();
        double total = sorted.stream().mapToDouble(r -> ((Number) r.get(m.name())).doubleValue()).sum();
        boolean additive = m.isAdditiveUnder(dimension.apply(shown).key());
        List<Row> rows = new ArrayList<>();
        for (Map<String, Object> r : sorted) {
            String value = String.valueOf(r.get(shown));
            double v = ((Number) r.get(m.name())).doubleValue();
            Double change = Optional.ofNullable(before.get(value)).map(p -> ((Number) p.get(m.name())).doubleValue())
                    .filter(p -> p != 0).map(p -> v / p - 1).orElse(null);
            rows.add(new Row(value, columns.stream().map(c -> (Number) r.get(c)).toList(), formats, change,
                    additive && total != 0 ? v / total : null));
        }
        Map<String, Object> bars = Charts.bars(rows.stream().map(Row::value).toList(), m.name(),
                sorted.stream().map(r -> (Number) r.get(m.name())).toList(), true);
        return new Section(links(kpi, from, to, shown, filter, dimension), shown, filter.isEmpty() ? null
                : filter.keySet().iterator().next(), filter.isEmpty() ? null : filter.values().iterator().next(),
                m.name(), columns, rows, additive, prevFrom + " – " + prevTo, bars,
                Math.max(220, rows.size() * BAR_PX + 48),
                lines(reads.sliced(kpi.name(), from.toString(), to.toString(), shown, filter), shown, m.name(),
                        rows.stream().map(Row::value).limit(TOP).toList(), additive), api(kpi, from, to, shown, filter,
                        ".csv"), api(kpi, from, to, shown, filter, ""));
    }

    /**
     * The daily series of the {@code top} values and, when the measure adds up over the dimension and other values
     * exist, their sum as "all others"; x = the dates with a row, a missing (date, value) cell is 0 (no fact that day).
     */
    static Map<String, Object> lines(KpiReads.KpiRows daily, String by, String measure, List<String> top,
                                     boolean additive) {
        List<String> x = daily.rows().stream().map(r -> String.valueOf(r.get(daily.columns().get(0)))).distinct()
                .toList();
        Map<String, Double[]> series = new LinkedHashMap<>();
        top.forEach(t -> series.put(t, zeros(x.size())));
        String others = "all others";
        for (Map<String, Object> r : daily.rows()) {
            String value = String.valueOf(r.get(by));
            String name = series.containsKey(value) && !value.equals(others) ? value : additive ? others : null;
            if (name == null) {
                continue;
            }
            Double[] line = series.computeIfAbsent(name, k -> zeros(x.size()));
            int i = x.indexOf(String.valueOf(r.get(daily.columns().get(0))));
            line[i] += ((Number) r.get(measure)).doubleValue();
        }
        Map<String, Object> option = Charts.lines(x, series.entrySet().stream().map(e -> new Charts.Series(e.getKey(),
                java.util.Arrays.asList(e.getValue()))).toList(), false);
        // a legend that wraps under the chart, so that every line and "all others" is named (a scrolled legend hid some)
        option.put("legend", Map.of("type", "plain", "bottom", 0));
        option.put("grid", Map.of("left", 8, "right", 24, "top", 16, "bottom", 64, "containLabel", true));
        return option;
    }

    private static Double[] zeros(int n) {
        Double[] a = new Double[n];
        java.util.Arrays.fill(a, 0.0);
        return a;
    }

    /** The dimensions the section can show: all but the filtered one, and with a filter only those stored with it. */
    private static List<Link> links(KpiDefinition kpi, LocalDate from, LocalDate to, String shown,
                                    Map<String, String> filter, java.util.function.Function<String, Dimension> dimension) {
        boolean pairsWithAll = filter.isEmpty() || dimension.apply(filter.keySet().iterator().next()).isFilter();
        return kpi.breakdown().dimensions().stream().filter(d -> !filter.containsKey(d))
                .filter(d -> pairsWithAll || dimension.apply(d).isFilter()).map(d -> {
            UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/kpis/{name}").queryParam("from", from)
                    .queryParam("to", to).queryParam("by", d);
            filter.forEach(uri::queryParam);
            return new Link(d, uri.fragment("breakdown").buildAndExpand(kpi.name()).encode().toUriString(),
                    d.equals(shown));
        }).toList();
    }

    private static String api(KpiDefinition kpi, LocalDate from, LocalDate to, String by, Map<String, String> filter,
                              String suffix) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/api/kpis/{name}" + suffix).queryParam("from", from)
                .queryParam("to", to).queryParam("by", by);
        filter.forEach(uri::queryParam);
        return uri.buildAndExpand(kpi.name()).encode().toUriString();
    }
}
