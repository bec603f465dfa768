package io.execkpi.kpi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Breakdowns of a KPI by the catalog's dimensions: the derived catalog entry that stores them, the warehouse query
 * that computes them and the conversion of its rows into the stored shape.
 * <p>
 * Stored shape (table {@code kpi_<kpi>_by}, one row per business date and slice): keys {@code dimension},
 * {@code dimension_value} (one dimension and its value), {@code dimension2}, {@code dimension2_value} (the second dimension of a pair: a
 * filter dimension with another, in the KPI's dimension order), {@link #ALL} ("") where unused; the row with both
 * dimensions "" is the date's total over the facts. Value columns are the breakdown's measures.
 * <p>
 * Query: {@code WITH facts AS (<facts>), <d> AS (<dimension query>)…, joined AS (facts LEFT JOIN each dimension on its
 * key, a missing value '(unknown)') SELECT partition, each dimension, GROUPING(each dimension), the measures FROM joined
 * GROUP BY GROUPING SETS ((partition), (partition, d) per dimension, (partition, f, d) per pair)}: one pass of the
 * warehouse over the facts, in the same SQL for DuckDB and BigQuery (both have GROUPING SETS and GROUPING).
 */
public final class Breakdowns {

    /** The key columns of a breakdown table besides the partition. */
    public static final String DIMENSION = "dimension";
    public static final String VALUE = "dimension_value";
    public static final String DIMENSION2 = "dimension2";
    public static final String VALUE2 = "dimension2_value";
    /** The stored dimension (and value) of a total or of a single-dimension slice's unused second half. */
    public static final String ALL = "";
    /** The value of a fact without a row in a dimension's query. */
    public static final String UNKNOWN = "(unknown)";

    private Breakdowns() {
    }

    /** The name of the derived entry that stores the breakdowns of {@code kpi}. */
    public static String name(String kpi) {
        return kpi + "_by";
    }

    /**
     * The derived catalog entry of a KPI with a breakdown: daily, same partition, slice length, required tables and
     * source freshness checks; keys partition, dimension, dimension_value, dimension2, dimension2_value; the measures as values; a
     * uniqueness test; a chart of the first measure by the first dimension.
     */
    static KpiDefinition derive(KpiDefinition kpi) {
        KpiDefinition.Breakdown b = kpi.breakdown();
        List<KpiDefinition.Column> keys = new ArrayList<>(List.of(
                new KpiDefinition.Column(kpi.partition(), "date", kpi.keys().stream()
                        .filter(k -> k.name().equals(kpi.partition())).findFirst().orElseThrow().description()),
                new KpiDefinition.Column(DIMENSION, "text", "The slice's dimension ('' for the date's total)"),
                new KpiDefinition.Column(VALUE, "text", "Its value"),
                new KpiDefinition.Column(DIMENSION2, "text", "The second dimension of a pair ('' for none)"),
                new KpiDefinition.Column(VALUE2, "text", "Its value")));
        List<KpiDefinition.Column> values = b.measures().stream()
                .map(m -> new KpiDefinition.Column(m.name(), m.type(), m.description())).toList();
        List<String> keyNames = keys.stream().map(KpiDefinition.Column::name).toList();
        return new KpiDefinition(name(kpi.name()), kpi.name() + " by " + String.join(", ", b.dimensions())
                + " and by each pair of a filter dimension with another, per business date", b.facts(),
                KpiDefinition.Grain.DAILY, kpi.partition(), kpi.sliceDays(), keys, values, kpi.requires(),
                kpi.sources(), List.of(new KpiDefinition.DataTest(null, null, null, null, keyNames, null, null, null)),
                null, new KpiDefinition.Chart(List.of(b.measures().get(0).name()), VALUE, null, null,
                        Map.of(DIMENSION, b.dimensions().get(0), DIMENSION2, ALL)), null, b, kpi.name());
    }

    /**
     * The grouping sets of a breakdown, as lists of dimension names (the partition left out): the total (empty),
     * each dimension alone, and each pair of a filter dimension with another, in dimension order, each pair once.
     */
    static List<List<Dimension>> groupingSets(List<Dimension> dimensions) {
        List<List<Dimension>> sets = new ArrayList<>();
        sets.add(List.of());
        dimensions.forEach(d -> sets.add(List.of(d)));
        for (int i = 0; i < dimensions.size(); i++) {
            for (int j = i + 1; j < dimensions.size(); j++) {
                if (dimensions.get(i).isFilter() || dimensions.get(j).isFilter()) {
                    sets.add(List.of(dimensions.get(i), dimensions.get(j)));
                }
            }
        }
        return sets;
    }

    /**
     * The warehouse query of a derived breakdown entry (see the class comment).
     *
     * @param breakdown  the derived entry ({@link KpiDefinition#isBreakdown})
     * @param dimensions its dimensions, resolved from the catalog, in its order
     * @param sql        the text of a query file of the warehouse's dialect by name (facts and dimension queries), as
     *                   the warehouse renders it
     */
    public static String query(KpiDefinition breakdown, List<Dimension> dimensions, Function<String, String> sql) {
        KpiDefinition.Breakdown b = breakdown.breakdown();
        String p = breakdown.partition();
        StringBuilder q = new StringBuilder("WITH facts AS (\n").append(body(sql.apply(b.facts()))).append("\n)");
        for (Dimension d : dimensions) {
            q.append(",\ndim_").append(d.name()).append(" AS (\n").append(body(sql.apply(d.sql()))).append("\n)");
        }
        List<String> inputs = b.measures().stream().map(KpiDefinition.Measure::of).distinct().toList();
        q.append(",\njoined AS (\n    SELECT f.").append(p).append(" AS ").append(p);
        inputs.forEach(c -> q.append(", f.").append(c).append(" AS ").append(c));
        for (Dimension d : dimensions) {
            q.append(",\n        COALESCE(dim_").append(d.name()).append('.').append(d.name()).append(", '")
                    .append(UNKNOWN).append("') AS ").append(d.name());
        }
        q.append("\n    FROM facts AS f");
        for (Dimension d : dimensions) {
            q.append("\n    LEFT JOIN dim_").append(d.name()).append(" ON dim_").append(d.name()).append('.')
                    .append(d.key()).append(" = f.").append(d.key());
        }
        q.append("\n)\nSELECT ").append(p);
        for (Dimension d : dimensions) {
            q.append(", ").append(d.name()).append(", GROUPING(").append(d.name()).append(") AS g_").append(d.name());
        }
        for (KpiDefinition.Measure m : b.measures()) {
            q.append(",\n       ").append(switch (m.aggregate()) {
                case "sum" -> "SUM(" + m.of() + ")";
                case "count" -> "COUNT(" + m.of() + ")";
                default -> "COUNT(DISTINCT " + m.of() + ")";
            }).append(" AS ").append(m.name());
        }
        q.append("\nFROM joined\nGROUP BY GROUPING SETS (");
        List<String> sets = groupingSets(dimensions).stream().map(set -> "(" + String.join(", ",
                java.util.stream.Stream.concat(java.util.stream.Stream.of(p), set.stream().map(Dimension::name))
                        .toList()) + ")").toList();
        q.append(String.join(", ", sets)).append(")\n");
        return q.toString();
    }

    /**
     * A row of {@link #query} in the stored shape: the partition, the grouped dimensions (those whose GROUPING is 0)
     * as dimension/value and dimension2/value2, in dimension order ({@link #ALL} where unused), the measures (a sum
     * over no value is 0, not null; decimal sums kept to 9 decimals).
     */
    public static Map<String, Object> stored(KpiDefinition breakdown, List<Dimension> dimensions,
                                             Map<String, Object> row) {
        List<Dimension> grouped = dimensions.stream()
                .filter(d -> ((Number) row.get("g_" + d.name())).intValue() == 0).toList();
        if (grouped.size() > 2) {
            throw new IllegalStateException("A breakdown row of " + breakdown.name() + " groups " + grouped.size()
                    + " dimensions: " + row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(breakdown.partition(), row.get(breakdown.partition()));
        out.put(DIMENSION, grouped.isEmpty() ? ALL : grouped.get(0).name());
        out.put(VALUE, grouped.isEmpty() ? ALL : String.valueOf(row.get(grouped.get(0).name())));
        out.put(DIMENSION2, grouped.size() < 2 ? ALL : grouped.get(1).name());
        out.put(VALUE2, grouped.size() < 2 ? ALL : String.valueOf(row.get(grouped.get(1).name())));
        for (KpiDefinition.Measure m : breakdown.breakdown().measures()) {
            Object v = row.get(m.name());
            // a warehouse sum of doubles carries binary noise (237.89000000000001): kept to 9 decimals
            out.put(m.name(), v == null ? (m.type().equals("decimal") ? 0.0 : 0L) : m.type().equals("decimal")
                    ? java.math.BigDecimal.valueOf(((Number) v).doubleValue()).setScale(9,
                    java.math.RoundingMode.HALF_EVEN).doubleValue() : v);
        }
        return out;
    }

    /** A query file's text as a CTE body: without a trailing semicolon. */
    private static String body(String sql) {
        String s = sql.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    /** The check name of {@link #addsUp} in the data-quality results. */
    public static final String ADDS_UP = "adds_up";

    /**
     * Whether the slices of each date add up: for every dimension, the sum of each measure over its values equals the
     * date's total, and for every pair, the sum over the second dimension's values equals the first's single slice —
     * for the measures additive under the summed dimension ({@link KpiDefinition.Measure#isAdditiveUnder}: sums and
     * counts always, a distinct count only under the dimensions of its {@code additive-under} keys). Counts must be
     * equal, sums within 10⁻⁹ of the total's magnitude (at least 10⁻⁶): floating-point addition in another order.
     *
     * @param rows the stored rows of a slice ({@link #stored}), any dates
     * @return per date with a failure, how many sums failed and the first of them in words; empty when all add up
     */
    public static Map<java.time.LocalDate, Map.Entry<Integer, String>> addsUp(KpiDefinition breakdown,
                                                                             List<Dimension> dimensions,
                                                                             List<Map<String, Object>> rows) {
        Map<String, Dimension> byName = new LinkedHashMap<>();
        dimensions.forEach(d -> byName.put(d.name(), d));
        // (date, dimension, value, dimension2) -> measure -> sum over value2; and the slice rows themselves
        Map<List<Object>, double[]> sums = new LinkedHashMap<>();
        Map<List<Object>, Map<String, Object>> slices = new java.util.HashMap<>();
        List<KpiDefinition.Measure> measures = breakdown.breakdown().measures();
        for (Map<String, Object> r : rows) {
            Object date = r.get(breakdown.partition());
            slices.put(List.of(date, r.get(DIMENSION), r.get(VALUE), r.get(DIMENSION2), r.get(VALUE2)), r);
            // a single slice (d, v) sums into the total's children of d; a pair (d, v, d2, v2) into (d, v)'s of d2
            List<Object> parent = ALL.equals(r.get(DIMENSION)) ? null : ALL.equals(r.get(DIMENSION2))
                    ? List.of(date, ALL, ALL, r.get(DIMENSION)) : List.of(date, r.get(DIMENSION), r.get(VALUE),
                    r.get(DIMENSION2));
            if (parent != null) {
                double[] acc = sums.computeIfAbsent(parent, k -> new double[measures.size()]);
                for (int i = 0; i < measures.size(); i++) {
                    acc[i] += ((Number) r.get(measures.get(i).name())).doubleValue();
                }
            }
        }
        Map<java.time.LocalDate, Map.Entry<Integer, String>> failures = new java.util.TreeMap<>();
        sums.forEach((k, acc) -> {
            Dimension summed = byName.get((String) k.get(3));
            Map<String, Object> whole = slices.get(List.of(k.get(0), k.get(1), k.get(2), ALL, ALL));
            for (int i = 0; i < measures.size(); i++) {
                KpiDefinition.Measure m = measures.get(i);
                if (!m.isAdditiveUnder(summed.key())) {
                    continue;
                }
                double expected = whole == null ? 0 : ((Number) whole.get(m.name())).doubleValue();
                if (Math.abs(acc[i] - expected) > Math.max(1e-6, 1e-9 * Math.abs(expected))) {
                    String of = ALL.equals(k.get(1)) ? "the total" : k.get(1) + " = " + k.get(2);
                    String sentence = m.name() + " by " + summed.name() + " sums to " + acc[i] + ", " + of + " is "
                            + expected;
                    failures.merge((java.time.LocalDate) k.get(0), Map.entry(1, sentence),
                            (a, b) -> Map.entry(a.getKey() + 1, a.getValue()));
                }
            }
        });
        return failures;
    }

    /**
     * {@link #addsUp} as data-quality results: one per business date of [from, to], {@code error} (the step fails,
     * nothing is written) with the number of failed sums as observed, else {@code pass}.
     */
    static List<io.execkpi.quality.QualityResult> addsUpResults(KpiDefinition breakdown, List<Dimension> dimensions,
                                                               List<Map<String, Object>> rows, java.time.LocalDate from,
                                                               java.time.LocalDate to, long jobExecutionId,
                                                               java.time.Instant now) {
        Map<java.time.LocalDate, Map.Entry<Integer, String>> failed = addsUp(breakdown, dimensions, rows);
        List<io.execkpi.quality.QualityResult> out = new ArrayList<>();
        for (java.time.LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            Map.Entry<Integer, String> f = failed.get(d);
            out.add(new io.execkpi.quality.QualityResult(breakdown.name(), d, ADDS_UP, "test", f == null
                    ? io.execkpi.quality.QualityResult.PASS : io.execkpi.quality.QualityResult.ERROR,
                    f == null ? 0.0 : f.getKey(), f == null
                    ? "test adds_up passed: every dimension's slices add up to the total"
                    : "test adds_up failed on " + f.getKey() + " sums of " + d + " (" + f.getValue() + ")",
                    jobExecutionId, now));
        }
        return out;
    }
}
