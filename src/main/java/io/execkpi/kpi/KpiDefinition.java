package io.execkpi.kpi;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.stream.Stream;

/**
 * One KPI of the catalog ({@code jobs/kpis.yml}). Its results live in table {@code kpi_<name>}; rows are
 * replaced per partition (the values of {@code partition}) so that a re-run never duplicates them.
 * {@code sliceDays}, when set, overrides {@code execkpi.kpi.slice-days} for this KPI (a query whose cost does not
 * grow with the slice, like a full-history snapshot, is cheaper in few large slices). {@code requires} lists the
 * warehouse tables the query reads that an import may lack (e.g. {@code events}): without them the KPI is reported
 * unavailable instead of materialized. {@code chart}, when set, says how the KPI's dashboard page charts it (see
 * {@link Chart}); without it every numeric value column is drawn over the partition. {@code page}, when set, adds
 * sections to that page that only some KPIs have (a funnel, a cohort heatmap; see {@link Page}).
 */
public record KpiDefinition(String name, String description, String sql, Grain grain, String partition,
                            Integer sliceDays, List<Column> keys, List<Column> values, List<String> requires,
                            List<Source> sources, List<DataTest> tests, Anomaly anomaly, Chart chart, Page page,
                            Breakdown breakdown, String breakdownOf) {

    /** An entry without page sections and breakdowns. */
    public KpiDefinition(String name, String description, String sql, Grain grain, String partition,
                         Integer sliceDays, List<Column> keys, List<Column> values, List<String> requires,
                         List<Source> sources, List<DataTest> tests, Anomaly anomaly, Chart chart) {
        this(name, description, sql, grain, partition, sliceDays, keys, values, requires, sources, tests, anomaly,
                chart, null, null, null);
    }

    /** An entry without breakdowns. */
    public KpiDefinition(String name, String description, String sql, Grain grain, String partition,
                         Integer sliceDays, List<Column> keys, List<Column> values, List<String> requires,
                         List<Source> sources, List<DataTest> tests, Anomaly anomaly, Chart chart, Page page) {
        this(name, description, sql, grain, partition, sliceDays, keys, values, requires, sources, tests, anomaly,
                chart, page, null, null);
    }

    /** Whether this entry is the breakdown table of another KPI ({@link #breakdownOf}), derived by the catalog. */
    public boolean isBreakdown() {
        return breakdownOf != null;
    }

    /**
     * How a daily KPI is broken down by the catalog's dimensions: its facts (one row per order item, session, …) are
     * grouped in the warehouse by each dimension alone and by each pair of a filter dimension with another
     * (GROUPING SETS), and stored per business date in the table of a derived entry {@code <name>_by}.
     *
     * @param facts      query file ({@code sql/<dialect>/<facts>.sql}) returning one row per fact for dates
     *                   {@code :from}..{@code :to}: the partition column, the key columns of the dimensions and the
     *                   columns the measures aggregate
     * @param dimensions names of catalog dimensions, in the order readers see them
     * @param measures   the stored value columns, aggregated from the facts
     * @param ratios     value columns derived on read as Σ numerator / Σ denominator of two measures (never stored, never
     *                   averaged); empty when none
     */
    public record Breakdown(String facts, List<String> dimensions, List<Measure> measures, List<Ratio> ratios) {

        /** An absent ratios list is empty. */
        public Breakdown {
            ratios = ratios == null ? List.of() : List.copyOf(ratios);
        }
    }

    /**
     * A stored measure of a breakdown.
     *
     * @param name           the column's name
     * @param aggregate      {@code sum} (decimal; additive over days and over a dimension's values), {@code count}
     *                       (non-null values of {@code of}; integer; additive) or {@code count-distinct} (distinct
     *                       values of {@code of}; integer; additive over days and over the values of the dimensions
     *                       whose key is in {@code additiveUnder}, not over others: an order with items of two
     *                       categories counts once in each)
     * @param of             the facts column aggregated
     * @param description    what the column means
     * @param additiveUnder  for count-distinct: the dimension keys under which every fact of one {@code of} value has
     *                       one dimension value (e.g. {@code [order_id, user_id]} for orders); ignored otherwise
     */
    public record Measure(String name, String aggregate, String of, String description, List<String> additiveUnder) {

        public static final List<String> AGGREGATES = List.of("sum", "count", "count-distinct");

        /** An absent list is empty. */
        public Measure {
            additiveUnder = additiveUnder == null ? List.of() : List.copyOf(additiveUnder);
        }

        /** Whether the values of a dimension keyed by {@code key} add up to the total of this measure. */
        public boolean isAdditiveUnder(String key) {
            return !"count-distinct".equals(aggregate) || additiveUnder.contains(key);
        }

        /** The stored column's type: decimal for sums, integer for counts. */
        public String type() {
            return "sum".equals(aggregate) ? "decimal" : "integer";
        }
    }

    /**
     * A ratio of two measures, computed on read from their sums over the rows read.
     *
     * @param unit {@code share} for a fraction 0..1 shown as percent, else null
     */
    public record Ratio(String name, String numerator, String denominator, String description, String unit) {
    }

    /** The tables the KPI needs (never null). */
    public List<String> requiredTables() {
        return requires == null ? List.of() : requires;
    }

    /**
     * Absent quality sections are empty lists (no sources checked, no tests); an absent chart is the default one, an
     * absent page section none.
     */
    public KpiDefinition {
        sources = sources == null ? List.of() : List.copyOf(sources);
        tests = tests == null ? List.of() : List.copyOf(tests);
        chart = chart == null ? Chart.DEFAULT : chart;
        page = page == null ? Page.NONE : page;
    }

    /**
     * Sections of the KPI's dashboard page beyond its charts, table and lineage, each optional.
     *
     * @param funnel  stage name → integer value column counting the sessions (or users) that reached it, in funnel
     *                order (at least two): the page draws the range's total per stage as a funnel, with each stage's
     *                share of the stage before and of the first (null: no funnel)
     * @param cohorts a cohort heatmap of a {@code weekly_cohort} KPI (null: none)
     */
    public record Page(java.util.Map<String, String> funnel, Cohorts cohorts) {

        /** No extra section. */
        public static final Page NONE = new Page(null, null);

        /** The funnel's order is kept. */
        public Page {
            funnel = funnel == null ? null
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(funnel));
        }
    }

    /**
     * The columns of a cohort matrix: cohorts are the partition's values (e.g. the signup week), periods the values
     * of {@code period}.
     *
     * @param period integer key column: whole periods since the cohort started (0, 1, …)
     * @param size   integer value column: the cohort's users
     * @param active integer value column: of those, the users active in the period
     * @param rate   decimal value column: active / size (a share), the heatmap's value
     */
    public record Cohorts(String period, String size, String active, String rate) {
    }

    /**
     * How the dashboard page of the KPI draws it: small multiples over the partition (x axis), one chart per charted
     * value column (and per value of {@code facet}), one line per value of the series key. Every part is optional:
     * the default draws every integer and decimal value column with a line per combination of the keys other than
     * the partition. The table, CSV and JSON always hold every column.
     * <p>
     * Charts read what they draw: the results store returns one row per (partition, facet value, series value),
     * computed in SQL. When {@code series} is set and keys remain that are neither the partition, the series, the
     * facet nor fixed by {@code where}, each drawn value is the SUM of the column over those remaining keys (e.g.
     * users per traffic source over every arm of an experiment); a sum of nulls only is null (a gap). When every key
     * is the partition, the series, the facet or fixed by {@code where}, the values are the stored ones as they are.
     * Summing only makes sense for additive columns (counts, sums), not for rates or weights: chart those with a hint
     * that covers every key.
     *
     * @param columns      value columns to draw, in this order (null: every integer and decimal value column); a
     *                     column that means nothing over time (e.g. a cohort's size per week since signup) is left out
     * @param series       key column whose values are the lines of a chart (null: the keys other than the partition,
     *                     the facet and the {@code where} keys, combined as {@code "a / b"}, so nothing is summed)
     * @param seriesValues only these values of {@code series} are drawn, as text in this order (null: every value
     *                     met in the rows); needs {@code series}
     * @param facet        key column with one chart per value and column, grouped by value (null: none), e.g. one
     *                     row of charts per experiment instead of every experiment's arms in one chart
     * @param where        key column → value (as text, e.g. {@code {segment: traffic_source}}): only rows with that
     *                     value of each listed key are charted; keys other than the partition, series and facet
     *                     (never null; empty: every row)
     */
    public record Chart(List<String> columns, String series, List<String> seriesValues, String facet,
                        java.util.Map<String, String> where) {

        /** Every numeric value column, lines per combination of the other keys, no facet. */
        public static final Chart DEFAULT = new Chart(null, null, null, null, null);

        /** An absent {@code where} is empty; its order is kept. */
        public Chart {
            where = where == null ? java.util.Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(where));
        }

        /** A chart without a {@code where} filter. */
        public Chart(List<String> columns, String series, List<String> seriesValues, String facet) {
            this(columns, series, seriesValues, facet, null);
        }
    }

    /** Level of a failed data-quality check: {@code warn} is recorded, {@code error} also fails the step. */
    public enum Severity {
        WARN, ERROR
    }

    /**
     * A warehouse table the KPI reads, checked for freshness before a business date is materialized: its latest
     * {@code timestampColumn} (UTC) must reach the end of that date. The lag is how far it falls short.
     *
     * @param table             warehouse table ({@code [a-z][a-z0-9_]*})
     * @param timestampColumn   its event-time column ({@code [a-z][a-z0-9_]*})
     * @param warnAfterMinutes  a lag above this many minutes is a warning (null: never)
     * @param errorAfterMinutes a lag above this many minutes fails the step (null: never)
     */
    public record Source(String table, String timestampColumn, Integer warnAfterMinutes, Integer errorAfterMinutes) {
    }

    /**
     * A test on the rows a materialization is about to write, run before they become visible. Exactly one kind:
     * {@code unique} (the listed columns identify a row), or on {@code column}: {@code notNull} and/or an accepted
     * range [{@code min}, {@code max}] (either bound optional; a null value passes a range test), or
     * {@code reconcile} (a daily KPI's {@code column} summed over each calendar month, through the slice's last date
     * when the month is not over, must equal the total the warehouse query {@code reconcile} returns for that month
     * over the same dates: run once per slice, it returns one row per month, {@code month} (a date, the month's first
     * day) and {@code total}; a month without a row totals 0), within {@code tolerancePerDay} per day summed, e.g.
     * half a cent per day for a column rounded to cents per day; a month not materialized for every one of its days
     * up to there is not checked).
     *
     * @param severity {@code error} (default) fails the step and rolls the rows back; {@code warn} only records
     */
    public record DataTest(String column, Boolean notNull, Double min, Double max, List<String> unique,
                           String reconcile, Double tolerancePerDay, Severity severity) {

        /** The effective severity ({@code error} when not given). */
        public Severity level() {
            return severity == null ? Severity.ERROR : severity;
        }

        /** A stable name of the check, e.g. {@code not_null(orders)}, {@code range(rate,[0,1])}, {@code unique(date)}. */
        public String checkName() {
            if (unique != null) {
                return "unique(" + String.join(",", unique) + ")";
            }
            if (reconcile != null) {
                return "reconcile(" + column + "," + reconcile + ")";
            }
            if (Boolean.TRUE.equals(notNull) && min == null && max == null) {
                return "not_null(" + column + ")";
            }
            return (Boolean.TRUE.equals(notNull) ? "not_null_" : "") + "range(" + column + ",[" + bound(min) + ","
                    + bound(max) + "])";
        }

        private static String bound(Double d) {
            return d == null ? "" : d == Math.rint(d) ? String.valueOf(d.longValue()) : d.toString();
        }
    }

    /**
     * Value anomaly of a daily KPI: each date's {@code column} against the same weekday of the {@code weeks} weeks
     * before it, as a robust z-score {@code |x - median| / scale}, {@code scale = 1.4826 * MAD} but at least 5 % of
     * the median and, for an integer column (a count), at least {@code max(1, sqrt(median))}, its Poisson noise, so
     * that a history of identical or tiny values does not make every change extreme (a score is capped at 10^6).
     * Needs three of those weekdays. Only the last {@code detectionDays} business dates of a run are judged
     * (Elementary's detection period): a nightly run judges its new dates, a backfill of years its last days, not
     * every date of history, whose swings were known long ago.
     *
     * @param column        a numeric value column of the KPI
     * @param weeks         trailing weeks compared (default 4)
     * @param warn          a score above this is a warning (null: never)
     * @param error         a score above this fails the step (null: never)
     * @param detectionDays how many last business dates of a run are judged (default {@value #DETECTION_DAYS})
     */
    public record Anomaly(String column, Integer weeks, Double warn, Double error, Integer detectionDays) {

        /** The default detection period in days: a week, enough for the nightly run and a few missed nights. */
        public static final int DETECTION_DAYS = 7;

        /** The number of trailing weeks compared (4 when not given). */
        public int trailingWeeks() {
            return weeks == null ? 4 : weeks;
        }

        /** How many last business dates of a run are judged ({@value #DETECTION_DAYS} when not given). */
        public int detectionPeriodDays() {
            return detectionDays == null ? DETECTION_DAYS : detectionDays;
        }
    }

    /** How business dates map to stored partitions. */
    public enum Grain {
        /** One partition per calendar date of the event ({@code date}). */
        DAILY,
        /** One partition per as-of business date: the state of the world at the end of that day. */
        SNAPSHOT,
        /**
         * Weekly signup cohorts (partition = Monday of the cohort), weeks 0..12 since signup, as of the business
         * date: activity on a date can change the 13 cohorts that started up to 12 weeks before its week.
         */
        WEEKLY_COHORT;

        static final int COHORT_WEEKS = 12;

        /** The partitions whose rows a materialization of business dates [from, to] recomputes. */
        public LocalDate partitionFrom(LocalDate from) {
            return this == WEEKLY_COHORT ? monday(from).minusWeeks(COHORT_WEEKS) : from;
        }

        public LocalDate partitionTo(LocalDate to) {
            return this == WEEKLY_COHORT ? monday(to) : to;
        }

        private static LocalDate monday(LocalDate d) {
            return d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        }
    }

    /**
     * A stored column: {@code type} is one of date, integer, decimal, text, boolean. {@code unit} (optional, null:
     * none) says how the dashboard shows a decimal value: {@code share} is a fraction 0..1 (a rate or share, e.g.
     * 0.8062) shown as percent ({@code 80.6 %}) in tables and on chart axes; the stored value stays the fraction.
     */
    public record Column(String name, String type, String description, String unit) {

        /** The only unit there is: a fraction 0..1 shown as percent. */
        public static final String SHARE = "share";

        /** A column without a unit. */
        public Column(String name, String type, String description) {
            this(name, type, description, null);
        }

        /** Whether the column is a share (0..1) that the dashboard shows as percent. */
        public boolean isShare() {
            return SHARE.equals(unit);
        }
    }

    /**
     * The keys whose values name a line of the dashboard chart: the chart's series key, or else every key other than
     * the partition, the facet and the {@code where} keys, in catalog order.
     */
    public List<String> chartSeriesKeys() {
        if (chart.series() != null) {
            return List.of(chart.series());
        }
        return keys.stream().map(Column::name).filter(k -> !k.equals(partition) && !k.equals(chart.facet())
                && !chart.where().containsKey(k)).toList();
    }

    /**
     * The keys that the chart's rows are grouped by, in catalog order: the partition, the facet and the
     * {@link #chartSeriesKeys series keys}. Keys not among them nor fixed by {@code where} are summed over.
     */
    public List<String> chartKeys() {
        List<String> series = chartSeriesKeys();
        return keys.stream().map(Column::name).filter(k -> k.equals(partition) || k.equals(chart.facet())
                || series.contains(k)).toList();
    }

    /**
     * The keys that the chart's values are summed over: those neither among {@link #chartKeys()} nor fixed by the
     * chart's {@code where}, in catalog order (empty: the chart draws the stored values as they are).
     */
    public List<String> chartSummedKeys() {
        List<String> grouped = chartKeys();
        return keys.stream().map(Column::name).filter(k -> !grouped.contains(k) && !chart.where().containsKey(k))
                .toList();
    }

    public String table() {
        return "kpi_" + name;
    }

    public List<Column> columns() {
        return Stream.concat(keys.stream(), values.stream()).toList();
    }
}
