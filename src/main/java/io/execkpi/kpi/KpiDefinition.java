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
 * unavailable instead of materialized.
 */
public record KpiDefinition(String name, String description, String sql, Grain grain, String partition,
                            Integer sliceDays, List<Column> keys, List<Column> values, List<String> requires) {

    /** The tables the KPI needs (never null). */
    public List<String> requiredTables() {
        return requires == null ? List.of() : requires;
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

    /** A stored column: {@code type} is one of date, integer, decimal, text, boolean. */
    public record Column(String name, String type, String description) {
    }

    public String table() {
        return "kpi_" + name;
    }

    public List<Column> columns() {
        return Stream.concat(keys.stream(), values.stream()).toList();
    }
}
