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

    /**
     * The business dates of {@code kpi} in [from, to] that the ledger records, each with the job execution that
     * materialized it, oldest first.
     *
     * @param executionId only the dates of this execution, or all when null
     */
    public static List<LocalDate> dates(JdbcTemplate store, String kpi, LocalDate from, LocalDate to, Long executionId) {
        List<LocalDate> dates = new ArrayList<>();
        store.query("SELECT first_date, business_date, job_execution_id FROM kpi_materialization WHERE kpi = ?"
                + " ORDER BY first_date", rs -> {
                    if (executionId != null && rs.getLong(3) != executionId) {
                        return;
                    }
                    for (LocalDate d = rs.getObject(1, LocalDate.class); !d.isAfter(rs.getObject(2, LocalDate.class));
                         d = d.plusDays(1)) {
                        if (!d.isBefore(from) && !d.isAfter(to)) {
                            dates.add(d);
                        }
                    }
                }, kpi);
        return dates;
    }

    /** How many business dates of {@code kpi} the ledger records (of {@code executionId}, or of any when null). */
    public static int count(JdbcTemplate store, String kpi, Long executionId) {
        return dates(store, kpi, LocalDate.MIN, LocalDate.MAX, executionId).size();
    }

    /** The job execution that materialized each date in [from, to] that the ledger records, oldest first. */
    public static List<Long> executions(JdbcTemplate store, String kpi, LocalDate from, LocalDate to) {
        List<Long> executions = new ArrayList<>();
        store.query("SELECT first_date, business_date, job_execution_id FROM kpi_materialization WHERE kpi = ?"
                + " ORDER BY first_date", rs -> {
                    for (LocalDate d = rs.getObject(1, LocalDate.class); !d.isAfter(rs.getObject(2, LocalDate.class));
                         d = d.plusDays(1)) {
                        if (!d.isBefore(from) && !d.isAfter(to)) {
                            executions.add(rs.getLong(3));
                        }
                    }
                }, kpi);
        return executions;
    }

    /** How many KPIs the ledger records {@code date} for. */
    public static int kpisOn(JdbcTemplate store, LocalDate date) {
        Integer n = store.queryForObject("SELECT COUNT(*) FROM kpi_materialization WHERE first_date <= ?"
                + " AND business_date >= ?", Integer.class, date, date);
        return n == null ? 0 : n;
    }
}
