package io.execkpi.kpi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.core.io.Resource;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The allow-list of KPIs. Names and columns become SQL identifiers, so they are checked against a strict pattern
 * when the catalog is loaded; a bad catalog stops the application at start-up with the reason.
 */
public final class KpiCatalog {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,59}");
    private static final Set<String> TYPES = Set.of("date", "integer", "decimal", "text", "boolean");

    private final Map<String, KpiDefinition> kpis;
    private final List<KpiDefinition> ordered;
    private final List<Headline> overview;
    private final Map<String, Dimension> dimensions;

    /** A catalog without overview headlines and dimensions. */
    public KpiCatalog(List<KpiDefinition> kpis) {
        this(kpis, List.of());
    }

    /** A catalog without dimensions. */
    public KpiCatalog(List<KpiDefinition> kpis, List<Headline> overview) {
        this(kpis, overview, List.of());
    }

    /**
     * A catalog of the entries and the overview's headline numbers.
     *
     * @throws IllegalStateException naming the entry and the key when an entry or a headline is invalid
     */
    public KpiCatalog(List<KpiDefinition> kpis, List<Headline> overview, List<Dimension> dimensions) {
        Map<String, Dimension> dims = new LinkedHashMap<>();
        for (Dimension d : dimensions == null ? List.<Dimension>of() : dimensions) {
            validate(d);
            if (dims.put(d.name(), d) != null) {
                throw new IllegalStateException("KPI catalog: duplicate dimension '" + d.name() + "'");
            }
        }
        this.dimensions = java.util.Collections.unmodifiableMap(dims);
        Map<String, KpiDefinition> byName = new LinkedHashMap<>();
        for (KpiDefinition kpi : kpis) {
            validate(kpi);
            List<KpiDefinition> entries = new java.util.ArrayList<>(List.of(kpi));
            if (kpi.breakdown() != null) {
                validateBreakdown(kpi, dims);
                entries.add(Breakdowns.derive(kpi));
            }
            for (KpiDefinition entry : entries) {
                if (byName.put(entry.name(), entry) != null) {
                    throw new IllegalStateException("KPI catalog: duplicate KPI '" + entry.name() + "'"
                            + (entry.isBreakdown() ? " (the breakdown table of " + entry.breakdownOf() + ")" : ""));
                }
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalStateException("KPI catalog: no KPIs defined");
        }
        this.kpis = Map.copyOf(byName);
        this.ordered = List.copyOf(byName.values());
        this.overview = overview == null ? List.of() : List.copyOf(overview);
        this.overview.forEach(h -> validate(h, byName));
    }

    public static KpiCatalog load(Resource resource) {
        ObjectMapper yaml = YAMLMapper.builder()
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .build();
        try (InputStream in = resource.getInputStream()) {
            File file = yaml.readValue(in, File.class);
            return new KpiCatalog(file.kpis(), file.overview(), file.dimensions());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read KPI catalog " + resource, e);
        }
    }

    record File(List<Dimension> dimensions, List<Headline> overview, List<KpiDefinition> kpis) {
    }

    /** The catalog's dimensions in their order (never null). */
    public List<Dimension> dimensions() {
        return List.copyOf(dimensions.values());
    }

    /** A dimension by name. */
    public Optional<Dimension> dimension(String name) {
        return Optional.ofNullable(name).map(dimensions::get);
    }

    /** The dimensions of a KPI's breakdown, or of a derived breakdown entry, in its order (empty: none). */
    public List<Dimension> dimensionsOf(KpiDefinition kpi) {
        return kpi.breakdown() == null ? List.of()
                : kpi.breakdown().dimensions().stream().map(dimensions::get).toList();
    }

    /** The names the stored shape of a breakdown uses itself, which a dimension or measure cannot have. */
    private static final Set<String> BREAKDOWN_COLUMNS = Set.of(Breakdowns.DIMENSION, Breakdowns.VALUE,
            Breakdowns.DIMENSION2, Breakdowns.VALUE2, "facts", "joined");

    /** A dimension: identifiers for name, sql and key; a description. */
    private static void validate(Dimension d) {
        String where = "KPI catalog dimension '" + d.name() + "': ";
        if (d.name() == null || !IDENTIFIER.matcher(d.name()).matches() || BREAKDOWN_COLUMNS.contains(d.name())
                || d.name().startsWith("g_")) {
            throw new IllegalStateException(where + "name must match " + IDENTIFIER + ", not start with g_ and not be"
                    + " one of " + BREAKDOWN_COLUMNS);
        }
        if (d.sql() == null || !IDENTIFIER.matcher(d.sql()).matches() || d.key() == null
                || !IDENTIFIER.matcher(d.key()).matches() || d.description() == null || d.description().isBlank()) {
            throw new IllegalStateException(where + "needs a description, sql (a query file without extension) and key"
                    + " (the facts column it joins on)");
        }
    }

    /**
     * A breakdown: on a daily KPI; facts a query file; known, distinct dimensions; measures with identifiers, a known
     * aggregate and an input column; ratios of two measures.
     */
    private static void validateBreakdown(KpiDefinition kpi, Map<String, Dimension> dims) {
        String where = "KPI catalog entry '" + kpi.name() + "': breakdown ";
        KpiDefinition.Breakdown b = kpi.breakdown();
        if (kpi.grain() != KpiDefinition.Grain.DAILY || b.facts() == null || !IDENTIFIER.matcher(b.facts()).matches()) {
            throw new IllegalStateException(where + "needs a daily KPI and facts (a query file without extension)");
        }
        if (b.dimensions() == null || b.dimensions().isEmpty() || !dims.keySet().containsAll(b.dimensions())
                || new HashSet<>(b.dimensions()).size() != b.dimensions().size()) {
            throw new IllegalStateException(where + "dimensions must be distinct names of the catalog's dimensions "
                    + dims.keySet() + "; got " + b.dimensions());
        }
        Set<String> names = new HashSet<>(BREAKDOWN_COLUMNS);
        names.add(kpi.partition());
        names.addAll(b.dimensions());
        b.dimensions().forEach(d -> names.add("g_" + d));
        if (b.measures() == null || b.measures().isEmpty()) {
            throw new IllegalStateException(where + "needs at least one measure");
        }
        Set<String> measures = new HashSet<>();
        for (KpiDefinition.Measure m : b.measures()) {
            if (m.name() == null || !IDENTIFIER.matcher(m.name()).matches() || !names.add(m.name())
                    || !KpiDefinition.Measure.AGGREGATES.contains(m.aggregate()) || m.of() == null
                    || !IDENTIFIER.matcher(m.of()).matches() || m.of().equals(kpi.partition())) {
                throw new IllegalStateException(where + "measure '" + m.name() + "' needs a new name, an aggregate of "
                        + KpiDefinition.Measure.AGGREGATES + " and of (a facts column other than the partition)");
            }
            measures.add(m.name());
        }
        for (KpiDefinition.Ratio r : b.ratios()) {
            if (r.name() == null || !IDENTIFIER.matcher(r.name()).matches() || !names.add(r.name())
                    || !measures.contains(r.numerator()) || !measures.contains(r.denominator())
                    || (r.unit() != null && !r.unit().equals(KpiDefinition.Column.SHARE))) {
                throw new IllegalStateException(where + "ratio '" + r.name() + "' needs a new name and a numerator and"
                        + " denominator among the measures " + measures);
            }
        }
    }

    public List<KpiDefinition> all() {
        return ordered;
    }

    /** The overview's headline numbers in catalog order (never null; empty: the overview shows no tiles). */
    public List<Headline> overview() {
        return overview;
    }

    /** A headline: a title, a daily KPI, a sum or a ratio of numeric value columns, a known format. */
    private static void validate(Headline h, Map<String, KpiDefinition> byName) {
        String where = "KPI catalog overview entry '" + h.title() + "': ";
        KpiDefinition kpi = h.kpi() == null ? null : byName.get(h.kpi());
        if (h.title() == null || h.title().isBlank() || kpi == null || kpi.grain() != KpiDefinition.Grain.DAILY) {
            throw new IllegalStateException(where + "needs a title and the name of a daily KPI of the catalog; got kpi '"
                    + h.kpi() + "'");
        }
        if ((h.sum() == null) == (h.numerator() == null || h.denominator() == null)
                || (h.sum() != null && (h.numerator() != null || h.denominator() != null))) {
            throw new IllegalStateException(where + "is either {sum: column} or {numerator: column, denominator:"
                    + " column}");
        }
        Set<String> numeric = new HashSet<>(numericValues(kpi));
        for (String column : java.util.Arrays.asList(h.sum(), h.numerator(), h.denominator(), h.daily())) {
            if (column != null && !numeric.contains(column)) {
                throw new IllegalStateException(where + "'" + column + "' is not an integer or decimal value column of "
                        + kpi.name() + " " + numeric);
            }
        }
        if (h.dailyColumn() == null || !Headline.FORMATS.contains(h.format())) {
            throw new IllegalStateException(where + "a ratio needs daily (its stored daily value column) and every "
                    + "entry a format, one of " + Headline.FORMATS + "; got format '" + h.format() + "'");
        }
    }

    private static List<String> numericValues(KpiDefinition kpi) {
        return kpi.values().stream().filter(c -> c.type().equals("integer") || c.type().equals("decimal"))
                .map(KpiDefinition.Column::name).toList();
    }

    public Optional<KpiDefinition> find(String name) {
        return Optional.ofNullable(name).map(kpis::get);
    }

    private static void validate(KpiDefinition kpi) {
        String where = "KPI catalog entry '" + kpi.name() + "': ";
        if (kpi.name() == null || !IDENTIFIER.matcher(kpi.name()).matches()) {
            throw new IllegalStateException(where + "name must match " + IDENTIFIER);
        }
        if (kpi.sql() == null || !IDENTIFIER.matcher(kpi.sql()).matches()) {
            throw new IllegalStateException(where + "sql must name a file in sql/<dialect>/ without extension");
        }
        if (kpi.sliceDays() != null && kpi.sliceDays() < 1) {
            throw new IllegalStateException(where + "slice-days must be at least 1");
        }
        if (kpi.grain() == null || kpi.keys() == null || kpi.keys().isEmpty() || kpi.values() == null) {
            throw new IllegalStateException(where + "grain, keys and values are required");
        }
        Set<String> seen = new HashSet<>();
        for (KpiDefinition.Column c : kpi.columns()) {
            if (c.name() == null || !IDENTIFIER.matcher(c.name()).matches() || !seen.add(c.name())) {
                throw new IllegalStateException(where + "column '" + c.name() + "' is invalid or repeated");
            }
            if (!TYPES.contains(c.type())) {
                throw new IllegalStateException(where + "column '" + c.name() + "' has type '" + c.type()
                        + "', expected one of " + TYPES);
            }
            if (c.unit() != null && !(c.isShare() && c.type().equals("decimal"))) {
                throw new IllegalStateException(where + "column '" + c.name() + "' has unit '" + c.unit()
                        + "': the only unit is '" + KpiDefinition.Column.SHARE + "', on a decimal column");
            }
        }
        boolean partitionIsDateKey = kpi.keys().stream()
                .anyMatch(k -> k.name().equals(kpi.partition()) && k.type().equals("date"));
        if (!partitionIsDateKey) {
            throw new IllegalStateException(where + "partition '" + kpi.partition() + "' must be a key of type date");
        }
        validateQuality(kpi, where, seen);
        validateChart(kpi, where);
        validatePage(kpi, where);
    }

    /**
     * The page sections: a funnel of at least two integer value columns; cohorts on a weekly_cohort KPI, the period an
     * integer key other than the partition, size and active integer value columns, rate a decimal value column.
     */
    private static void validatePage(KpiDefinition kpi, String where) {
        KpiDefinition.Page page = kpi.page();
        if (page.funnel() != null && (page.funnel().size() < 2 || !page.funnel().values().stream()
                .allMatch(c -> isType(kpi.values(), c, "integer")))) {
            throw new IllegalStateException(where + "page funnel maps at least two stages to integer value columns; got "
                    + page.funnel());
        }
        KpiDefinition.Cohorts c = page.cohorts();
        if (c != null && (kpi.grain() != KpiDefinition.Grain.WEEKLY_COHORT || c.period() == null
                || c.period().equals(kpi.partition()) || !isType(kpi.keys(), c.period(), "integer")
                || !isType(kpi.values(), c.size(), "integer") || !isType(kpi.values(), c.active(), "integer")
                || !isType(kpi.values(), c.rate(), "decimal"))) {
            throw new IllegalStateException(where + "page cohorts needs a weekly_cohort KPI, period an integer key,"
                    + " size and active integer value columns and rate a decimal value column; got " + c);
        }
    }

    private static boolean isType(List<KpiDefinition.Column> columns, String name, String type) {
        return columns.stream().anyMatch(col -> col.name().equals(name) && col.type().equals(type));
    }

    /**
     * The chart section: numeric value columns, series and facet distinct keys other than the partition, where keys
     * other than the partition, series and facet with a value of the key's type.
     */
    private static void validateChart(KpiDefinition kpi, String where) {
        KpiDefinition.Chart chart = kpi.chart();
        Set<String> numeric = new HashSet<>();
        kpi.values().stream().filter(c -> c.type().equals("integer") || c.type().equals("decimal"))
                .forEach(c -> numeric.add(c.name()));
        if (chart.columns() != null && (chart.columns().isEmpty() || !numeric.containsAll(chart.columns()))) {
            throw new IllegalStateException(where + "chart columns must be integer or decimal value columns " + numeric
                    + "; got " + chart.columns());
        }
        Set<String> keys = new HashSet<>();
        kpi.keys().stream().map(KpiDefinition.Column::name).filter(k -> !k.equals(kpi.partition())).forEach(keys::add);
        for (String key : java.util.Arrays.asList(chart.series(), chart.facet())) {
            if (key != null && !keys.contains(key)) {
                throw new IllegalStateException(where + "chart series and facet must be keys other than the partition "
                        + keys + "; got '" + key + "'");
            }
        }
        if (chart.series() != null && chart.series().equals(chart.facet())) {
            throw new IllegalStateException(where + "chart series and facet must be different keys");
        }
        if (chart.seriesValues() != null && (chart.series() == null || chart.seriesValues().isEmpty())) {
            throw new IllegalStateException(where + "chart series-values needs a series key and at least one value");
        }
        for (Map.Entry<String, String> filter : chart.where().entrySet()) {
            String key = filter.getKey();
            if (!keys.contains(key) || key.equals(chart.series()) || key.equals(chart.facet())) {
                throw new IllegalStateException(where + "chart where must name keys other than the partition, series "
                        + "and facet " + keys + "; got '" + key + "'");
            }
            String type = kpi.keys().stream().filter(k -> k.name().equals(key)).findFirst().orElseThrow().type();
            try {
                KpiResultsRepository.keyValue(type, filter.getValue());
            } catch (RuntimeException e) {
                throw new IllegalStateException(where + "chart where value of '" + key + "' is not a " + type + ": '"
                        + filter.getValue() + "'");
            }
        }
    }

    /** The quality sections: identifiers, columns of the KPI, one kind per test, a daily KPI for anomalies. */
    private static void validateQuality(KpiDefinition kpi, String where, Set<String> columns) {
        for (KpiDefinition.Source s : kpi.sources()) {
            if (s.table() == null || !IDENTIFIER.matcher(s.table()).matches() || s.timestampColumn() == null
                    || !IDENTIFIER.matcher(s.timestampColumn()).matches()) {
                throw new IllegalStateException(where + "a source needs table and timestamp-column matching "
                        + IDENTIFIER);
            }
            if ((s.warnAfterMinutes() != null && s.warnAfterMinutes() < 0)
                    || (s.errorAfterMinutes() != null && s.errorAfterMinutes() < 0)) {
                throw new IllegalStateException(where + "source " + s.table() + ": lags must be >= 0 minutes");
            }
        }
        for (KpiDefinition.DataTest t : kpi.tests()) {
            if (t.reconcile() != null) {
                if (kpi.grain() != KpiDefinition.Grain.DAILY || !IDENTIFIER.matcher(t.reconcile()).matches()
                        || t.unique() != null || t.notNull() != null || t.min() != null || t.max() != null
                        || kpi.values().stream().noneMatch(c -> c.name().equals(t.column())
                                && (c.type().equals("integer") || c.type().equals("decimal")))
                        || t.tolerancePerDay() == null || !(t.tolerancePerDay() >= 0)) {
                    throw new IllegalStateException(where + "a reconcile test is {column: c, reconcile: <query>,"
                            + " tolerance-per-day: x >= 0} on a numeric value column of a daily KPI; got " + t);
                }
                continue;
            }
            boolean unique = t.unique() != null;
            boolean onColumn = t.column() != null;
            if (unique == onColumn || (unique && (t.unique().isEmpty() || !columns.containsAll(t.unique())))
                    || (onColumn && (!columns.contains(t.column())
                            || (!Boolean.TRUE.equals(t.notNull()) && t.min() == null && t.max() == null)))) {
                throw new IllegalStateException(where + "a test is either {unique: [columns]} or {column: c,"
                        + " not-null: true, min: x, max: y} over the KPI's columns; got " + t);
            }
        }
        KpiDefinition.Anomaly a = kpi.anomaly();
        if (a != null && (kpi.grain() != KpiDefinition.Grain.DAILY || a.column() == null
                || kpi.values().stream().noneMatch(c -> c.name().equals(a.column())
                        && (c.type().equals("integer") || c.type().equals("decimal")))
                || a.trailingWeeks() < 3 || a.trailingWeeks() > 52 || a.detectionPeriodDays() < 1
                || a.detectionPeriodDays() > 366)) {
            throw new IllegalStateException(where + "anomaly needs a daily KPI, a numeric value column, 3..52"
                    + " weeks and 1..366 detection-days");
        }
    }
}
