package io.execkpi.kpi;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.warehouse.WarehouseTables;
import io.execkpi.web.ApiException;
import io.execkpi.web.DateParams;

import org.springframework.stereotype.Service;

/**
 * The read path of precomputed KPIs, under both the JSON endpoints ({@link KpiController}) and the dashboard pages:
 * the catalog with each KPI's latest date, the date range a request resolves to, and the reads of a range (every row,
 * the row count, one page of the table, the chart's grouped rows, the lineage), each kept in {@link KpiReadCache}
 * until a job ends. Reads only the results store; nothing here runs warehouse SQL.
 */
@Service
public class KpiReads {

    private final KpiCatalog catalog;
    private final KpiResultsRepository results;
    private final KpiProperties properties;
    private final ExecKpiProperties app;
    private final Clock clock;
    private final KpiReadCache cache;
    private final WarehouseTables tables;

    public KpiReads(KpiCatalog catalog, KpiResultsRepository results, KpiProperties properties, ExecKpiProperties app,
                    Clock clock, KpiReadCache cache, WarehouseTables tables) {
        this.catalog = catalog;
        this.results = results;
        this.properties = properties;
        this.app = app;
        this.clock = clock;
        this.cache = cache;
        this.tables = tables;
    }

    /** A column of a catalog entry; {@code key}: part of the row's key (the partition is one). */
    public record ColumnInfo(String name, String type, String description, boolean key) {
    }

    /**
     * One catalog entry; {@code dimensions} the dimensions it can be read by (empty: none); {@code breakdownOf} null,
     * or the KPI whose breakdown table this entry is; {@code latestDate} is the latest materialized business date (null before the first run);
     * {@code unavailable} is null, or why the KPI cannot be computed on this warehouse (an imported export without a
     * table it needs), in which case it is not materialized.
     */
    public record KpiInfo(String name, String description, String grain, String partition, List<ColumnInfo> columns,
                          LocalDate latestDate, String unavailable, List<DimensionInfo> dimensions,
                          String breakdownOf) {
    }

    /**
     * A dimension a KPI can be read by ({@code by=<name>} or {@code <name>=<value>}); {@code filter}: it is also stored
     * paired with every other dimension of the KPI.
     */
    public record DimensionInfo(String name, String description, boolean filter) {
    }

    /** The rows of one KPI whose partition lies in [from, to], ordered by its keys; {@code columns} in catalog order. */
    public record KpiRows(String kpi, LocalDate from, LocalDate to, List<String> columns,
                          List<Map<String, Object>> rows) {
    }

    /**
     * A KPI and the partition dates [from, to] that a read covers.
     *
     * @param kpi  the catalog entry
     * @param from first partition date, inclusive
     * @param to   last partition date, inclusive, not before {@code from}
     */
    public record Range(KpiDefinition kpi, LocalDate from, LocalDate to) {
    }

    /**
     * Which execution materialized the business dates [firstDate, lastDate] ({@code dates} of them, consecutive),
     * and when it last did (UTC).
     */
    public record LineageEntry(long jobExecutionId, LocalDate firstDate, LocalDate lastDate, int dates,
                               Instant materializedAt) {
    }

    /** The catalog in its order, each KPI with its latest date and availability; cached like the reads. */
    public List<KpiInfo> catalog() {
        // what changes it (a latest date, an import's tables) changes when a job writes: cached like the reads
        return cache.get("", "catalog", null, null, () -> catalog.all().stream().map(kpi -> new KpiInfo(kpi.name(),
                kpi.description(), kpi.grain().name().toLowerCase(), kpi.partition(), columns(kpi),
                results.latestDate(kpi.name()).orElse(null),
                tables.missing(kpi.requiredTables()).map(reason -> MaterializeKpiTasklet.unavailable(kpi, reason))
                        .orElse(null), kpi.isBreakdown() ? List.of() : catalog.dimensionsOf(kpi).stream()
                        .map(d -> new DimensionInfo(d.name(), d.description(), d.isFilter())).toList(),
                kpi.breakdownOf())).toList());
    }

    /**
     * The catalog entry of a KPI.
     *
     * @throws ApiException 404 naming the known KPIs
     */
    public KpiDefinition kpi(String name) {
        return catalog.find(name).orElseThrow(() -> ApiException.notFound(
                "Unknown KPI '" + name + "'. Known KPIs: " + catalog.all().stream().map(KpiDefinition::name).toList()));
    }

    /** The latest materialized business date of a KPI (UTC), empty before its first run. */
    public Optional<LocalDate> latestDate(String kpi) {
        return results.latestDate(kpi);
    }

    /**
     * The range a read covers: {@code from}/{@code to} as given (ISO dates, either may be null), by default the
     * {@code execkpi.kpi.default-range-days} days up to the latest materialized date (yesterday, UTC, before the
     * first run); with only {@code from}, that many days from it.
     *
     * @throws ApiException 404 for an unknown KPI; 400 for a bad date, {@code from} after {@code to} or a range over
     *                      {@code execkpi.kpi.max-range-days}
     */
    public Range range(String name, String from, String to) {
        KpiDefinition kpi = kpi(name);
        LocalDate toDate = DateParams.parse("to", to);
        LocalDate fromDate = DateParams.parse("from", from);
        if (toDate == null) {
            toDate = fromDate != null
                    ? DateParams.plusDaysWithinRange(fromDate, properties.defaultRangeDays() - 1L)
                    : results.latestDate(kpi.name()).orElseGet(() -> app.yesterday(clock));
        }
        if (fromDate == null) {
            fromDate = DateParams.plusDaysWithinRange(toDate, 1L - properties.defaultRangeDays());
        }
        if (fromDate.isAfter(toDate)) {
            throw ApiException.badRequest("'from' (" + fromDate + ") is after 'to' (" + toDate + ")");
        }
        long days = ChronoUnit.DAYS.between(fromDate, toDate) + 1;
        if (days > properties.maxRangeDays()) {
            throw ApiException.badRequest("The range " + fromDate + ".." + toDate + " spans " + days
                    + " days; at most " + properties.maxRangeDays() + " days can be read at once");
        }
        return new Range(kpi, fromDate, toDate);
    }

    /**
     * Every row of the range, as {@link #range} resolves the parameters.
     *
     * @throws ApiException as {@link #range}
     */
    public KpiRows rows(String name, String from, String to) {
        return rows(range(name, from, to));
    }

    /** Every row of a resolved range. */
    public KpiRows rows(Range range) {
        KpiDefinition kpi = range.kpi();
        return cache.get(kpi.name(), range.from(), range.to(), () -> new KpiRows(kpi.name(), range.from(),
                range.to(), kpi.columns().stream().map(KpiDefinition.Column::name).toList(),
                results.read(kpi, range.from(), range.to())));
    }

    /**
     * The KPI's rows by a dimension and/or for one value of a dimension, from its breakdown entry: per partition and
     * value of {@code by} (or one row per partition with only a filter), the partition, the {@code by} column (named
     * after the dimension), the measures and the ratios (Σ numerator / Σ denominator of the row, null when the
     * denominator is 0). Partitions without facts have no row.
     *
     * @param by      a dimension of the KPI, or null
     * @param filters dimension → value, at most one; with {@code by}, the pair must be materialized (one of the two
     *                a filter dimension)
     * @throws ApiException 400 naming the parameter for a KPI without dimensions, a dimension not of this KPI, more
     *                      than one filter, a filter on the {@code by} dimension, a pair that is not materialized or
     *                      a blank value; as {@link #range} for the range
     */
    public KpiRows sliced(String name, String from, String to, String by, Map<String, String> filters) {
        Range range = range(name, from, to);
        KpiDefinition kpi = range.kpi();
        KpiDefinition table = catalog.find(Breakdowns.name(kpi.name())).filter(KpiDefinition::isBreakdown)
                .orElseThrow(() -> ApiException.badRequest("KPI '" + kpi.name() + "' has no dimensions"
                        + (by != null ? ": query parameter 'by' does not apply" : !filters.isEmpty()
                        ? ": query parameter '" + filters.keySet().iterator().next() + "' does not apply"
                        : ", so no summary of its slices")));
        List<String> dimensions = kpi.breakdown().dimensions();
        if (by != null && !dimensions.contains(by)) {
            throw ApiException.badRequest("Query parameter 'by' must be a dimension of " + kpi.name() + " " + dimensions
                    + ", got '" + by + "'");
        }
        for (String f : filters.keySet()) {
            if (!dimensions.contains(f)) {
                throw ApiException.badRequest("Query parameter '" + f + "' is a dimension " + kpi.name()
                        + " does not have; its dimensions are " + dimensions);
            }
            if (filters.get(f) == null || filters.get(f).isBlank()) {
                throw ApiException.badRequest("Query parameter '" + f + "' needs a value");
            }
        }
        if (filters.size() > 1) {
            throw ApiException.badRequest("At most one dimension filter can be read at once; got " + filters.keySet());
        }
        String filter = filters.isEmpty() ? null : filters.keySet().iterator().next();
        if (filter != null && filter.equals(by)) {
            throw ApiException.badRequest("Query parameter '" + filter + "' filters the 'by' dimension itself: leave"
                    + " out by, or filter on another dimension");
        }
        if (filter != null && by != null && !catalog.dimension(filter).orElseThrow().isFilter()
                && !catalog.dimension(by).orElseThrow().isFilter()) {
            throw ApiException.badRequest("Query parameter '" + filter + "' cannot be combined with by=" + by
                    + ": pairs are materialized for the filter dimensions " + dimensions.stream()
                    .filter(d -> catalog.dimension(d).orElseThrow().isFilter()).toList() + " only");
        }
        String value = filter == null ? null : filters.get(filter).strip();
        List<Map<String, Object>> stored = cache.get(kpi.name(), "by " + by + " " + filter + "=" + value,
                range.from(), range.to(), () -> {
                    if (by == null) {
                        // one value's slices, or the dates' totals
                        return results.readSlices(table, range.from(), range.to(),
                                filter == null ? Breakdowns.ALL : filter, filter == null ? Breakdowns.ALL : value,
                                Breakdowns.ALL, Breakdowns.ALL);
                    }
                    if (filter == null) {
                        return results.readSlices(table, range.from(), range.to(), by, null, Breakdowns.ALL,
                                Breakdowns.ALL);
                    }
                    // a pair is stored once, its dimensions in the KPI's order
                    return dimensions.indexOf(filter) < dimensions.indexOf(by)
                            ? results.readSlices(table, range.from(), range.to(), filter, value, by, null)
                            : results.readSlices(table, range.from(), range.to(), by, null, filter, value);
                });
        boolean byIsSecond = by != null && filter != null && dimensions.indexOf(filter) < dimensions.indexOf(by);
        List<String> columns = new ArrayList<>(List.of(kpi.partition()));
        if (filter != null) {
            columns.add(filter);
        }
        if (by != null) {
            columns.add(by);
        }
        KpiDefinition.Breakdown b = kpi.breakdown();
        b.measures().forEach(m -> columns.add(m.name()));
        b.ratios().forEach(r -> columns.add(r.name()));
        List<Map<String, Object>> rows = new ArrayList<>(stored.size());
        for (Map<String, Object> r : stored) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put(kpi.partition(), r.get(kpi.partition()));
            if (filter != null) {
                out.put(filter, value);
            }
            if (by != null) {
                out.put(by, r.get(byIsSecond ? Breakdowns.VALUE2 : Breakdowns.VALUE));
            }
            b.measures().forEach(m -> out.put(m.name(), r.get(m.name())));
            for (KpiDefinition.Ratio ratio : b.ratios()) {
                double d = ((Number) r.get(ratio.denominator())).doubleValue();
                out.put(ratio.name(), d == 0 ? null : ((Number) r.get(ratio.numerator())).doubleValue() / d);
            }
            rows.add(out);
        }
        return new KpiRows(kpi.name(), range.from(), range.to(), List.copyOf(columns), rows);
    }

    /**
     * Period totals of a KPI with dimensions over [from, to]: one row per value of {@code by} (in value order), or one
     * row, with every measure summed over the range's days (each measure is additive over days: an order, an item
     * and its revenue belong to one day) and every ratio divided from those sums (never a mean of daily ratios). The
     * rows read are {@link #sliced}'s (without {@code by} and filter: the dates' totals). Columns: {@code by} (when
     * given) and the filter dimension (when given), then the measures and ratios; {@code days} is the number of
     * dates in the range that have a row.
     *
     * @throws ApiException as {@link #sliced}
     */
    public KpiRows summary(String name, String from, String to, String by, Map<String, String> filters) {
        KpiRows daily = sliced(name, from, to, by, filters);
        KpiDefinition kpi = catalog.find(daily.kpi()).orElseThrow();
        KpiDefinition.Breakdown b = kpi.breakdown();
        String filter = filters.isEmpty() ? null : filters.keySet().iterator().next();
        // summed as decimals of the stored doubles, so that a period's revenue reads 6227.45, not 6227.450000000001
        Map<String, java.math.BigDecimal[]> sums = new java.util.TreeMap<>();
        Map<String, java.util.Set<Object>> days = new java.util.HashMap<>();
        for (Map<String, Object> r : daily.rows()) {
            String value = by == null ? "" : String.valueOf(r.get(by));
            java.math.BigDecimal[] acc = sums.computeIfAbsent(value, k -> zeros(b.measures().size()));
            for (int i = 0; i < acc.length; i++) {
                acc[i] = acc[i].add(java.math.BigDecimal.valueOf(((Number) r.get(b.measures().get(i).name()))
                        .doubleValue()));
            }
            days.computeIfAbsent(value, k -> new java.util.HashSet<>()).add(r.get(kpi.partition()));
        }
        if (by == null && sums.isEmpty()) {
            sums.put("", zeros(b.measures().size()));
        }
        List<String> columns = new ArrayList<>();
        if (filter != null) {
            columns.add(filter);
        }
        if (by != null) {
            columns.add(by);
        }
        b.measures().forEach(m -> columns.add(m.name()));
        b.ratios().forEach(r -> columns.add(r.name()));
        columns.add("days");
        List<Map<String, Object>> rows = new ArrayList<>();
        sums.forEach((value, acc) -> {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            if (filter != null) {
                out.put(filter, filters.get(filter).strip());
            }
            if (by != null) {
                out.put(by, value);
            }
            Map<String, Double> byName = new java.util.HashMap<>();
            for (int i = 0; i < acc.length; i++) {
                KpiDefinition.Measure m = b.measures().get(i);
                byName.put(m.name(), acc[i].doubleValue());
                out.put(m.name(), m.type().equals("integer") ? (Object) acc[i].longValue() : (Object) acc[i].doubleValue());
            }
            for (KpiDefinition.Ratio ratio : b.ratios()) {
                double d = byName.get(ratio.denominator());
                out.put(ratio.name(), d == 0 ? null : byName.get(ratio.numerator()) / d);
            }
            out.put("days", days.getOrDefault(value, java.util.Set.of()).size());
            rows.add(out);
        });
        return new KpiRows(kpi.name(), daily.from(), daily.to(), List.copyOf(columns), rows);
    }

    private static java.math.BigDecimal[] zeros(int n) {
        java.math.BigDecimal[] a = new java.math.BigDecimal[n];
        java.util.Arrays.fill(a, java.math.BigDecimal.ZERO);
        return a;
    }

    /** How many rows the range holds. */
    public long count(Range range) {
        return cache.get(range.kpi().name(), "count", range.from(), range.to(),
                () -> results.count(range.kpi(), range.from(), range.to()));
    }

    /**
     * One page of the range's rows, newest partition first, then by key.
     *
     * @param page     1-based page number
     * @param pageSize rows per page, at least 1
     */
    public List<Map<String, Object>> page(Range range, int page, int pageSize) {
        return cache.get(range.kpi().name(), "page " + page + " of " + pageSize, range.from(), range.to(),
                () -> results.readPage(range.kpi(), range.from(), range.to(), (page - 1L) * pageSize, pageSize));
    }

    /**
     * The rows a chart of {@code columns} draws, grouped in SQL as {@link KpiResultsRepository#readChart} says. The
     * same columns must be asked for a range every time (the page's charted columns), as the read is cached per range.
     */
    public List<Map<String, Object>> chartRows(Range range, List<KpiDefinition.Column> columns) {
        return cache.get(range.kpi().name(), "chart " + columns.stream().map(KpiDefinition.Column::name).toList(),
                range.from(), range.to(), () -> results.readChart(range.kpi(), columns, range.from(), range.to()));
    }

    /**
     * The lineage of the range's business dates: one entry per run of consecutive dates materialized by the same
     * execution, oldest first; an execution whose dates a later run split (a rerun of some of them) gets an entry
     * per part. Dates never materialized are absent.
     */
    public List<LineageEntry> lineage(Range range) {
        List<LineageEntry> entries = new ArrayList<>();
        for (KpiResultsRepository.Lineage l : results.lineage(range.kpi().name(), range.from(), range.to())) {
            LineageEntry last = entries.isEmpty() ? null : entries.getLast();
            if (last != null && last.jobExecutionId() == l.jobExecutionId()
                    && last.lastDate().plusDays(1).equals(l.businessDate())) {
                entries.set(entries.size() - 1, new LineageEntry(last.jobExecutionId(), last.firstDate(),
                        l.businessDate(), last.dates() + 1, last.materializedAt().isAfter(l.materializedAt())
                        ? last.materializedAt() : l.materializedAt()));
            } else {
                entries.add(new LineageEntry(l.jobExecutionId(), l.businessDate(), l.businessDate(), 1,
                        l.materializedAt()));
            }
        }
        return List.copyOf(entries);
    }

    /** The job execution that last materialized one business date of a KPI, empty when none did. */
    public Optional<Long> materializedBy(String kpi, LocalDate date) {
        return results.lineage(kpi, date, date).stream().findFirst().map(KpiResultsRepository.Lineage::jobExecutionId);
    }

    private static List<ColumnInfo> columns(KpiDefinition kpi) {
        return kpi.columns().stream()
                .map(c -> new ColumnInfo(c.name(), c.type(), c.description(), kpi.keys().contains(c)))
                .toList();
    }
}
