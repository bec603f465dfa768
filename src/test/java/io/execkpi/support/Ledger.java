package io.execkpi.support;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the materialization ledger ({@code kpi_materialization}, spans [first_date, business_date] since migration
 * V10) straight from the results store, independently of {@code KpiResultsRepository}, as one entry per business date.
 */
public final class Ledger {

    private Ledger() {
    }

    /** One business date the ledger records and the job execution that materialized it. */
    public record Entry(LocalDate date, long executionId) {
    }

    /** The ledger's dates of {@code kpi} in [from, to], each with the execution that materialized it, oldest first. */
    public static List<Entry> entries(JdbcTemplate store, String kpi, LocalDate from, LocalDate to) {
        List<Entry> entries = new ArrayList<>();
        store.query("SELECT first_date, business_date, job_execution_id FROM kpi_materialization WHERE kpi = ?"
                + " ORDER BY first_date", rs -> {
                    for (LocalDate d = rs.getObject(1, LocalDate.class); !d.isAfter(rs.getObject(2, LocalDate.class));
                         d = d.plusDays(1)) {
                        if (!d.isBefore(from) && !d.isAfter(to)) {
                            entries.add(new Entry(d, rs.getLong(3)));
                        }
                    }
                }, kpi);
        return entries;
    }

    /**
     * The business dates of {@code kpi} in [from, to] that the ledger records, oldest first.
     *
     * @param executionId only the dates of this execution, or all when null
     */
    public static List<LocalDate> dates(JdbcTemplate store, String kpi, LocalDate from, LocalDate to, Long executionId) {
        return entries(store, kpi, from, to).stream()
                .filter(e -> executionId == null || e.executionId() == executionId).map(Entry::date).toList();
    }

    /** How many business dates of {@code kpi} the ledger records (of {@code executionId}, or of any when null). */
    public static int count(JdbcTemplate store, String kpi, Long executionId) {
        return dates(store, kpi, LocalDate.MIN, LocalDate.MAX, executionId).size();
    }

    /** The job execution that materialized each date in [from, to] that the ledger records, oldest first. */
    public static List<Long> executions(JdbcTemplate store, String kpi, LocalDate from, LocalDate to) {
        return entries(store, kpi, from, to).stream().map(Entry::executionId).toList();
    }

    /** How many KPIs the ledger records {@code date} for. */
    public static int kpisOn(JdbcTemplate store, LocalDate date) {
        Integer n = store.queryForObject("SELECT COUNT(*) FROM kpi_materialization WHERE first_date <= ?"
                + " AND business_date >= ?", Integer.class, date, date);
        return n == null ? 0 : n;
    }
}
