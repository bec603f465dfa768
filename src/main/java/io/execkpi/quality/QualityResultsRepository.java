package io.execkpi.quality;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores and reads data-quality results (table {@code quality_result}, migrations V7 and V9). Writes run in a
 * transaction of their own ({@code REQUIRES_NEW}): a result that fails a step must outlive the rollback of that step's
 * rows.
 * <p>A stored row is a span: the result of one check of one KPI for every business date in
 * {@code [first_date, business_date]}. A save stores equal results of consecutive dates (same kind, status, observed
 * value, message, execution and time) as one row, so a backfill's thousands of identical "test … passed" results cost
 * a row per check and slice instead of one per date; a result that differs per date (an anomaly's z-score, a
 * failure) keeps a row per date. Readers ask per date and get one result per check, as if every date had its own row.
 */
@Repository
public class QualityResultsRepository {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final WriteLocks locks;

    /**
     * @param jdbc  the results store
     * @param locks the store's named locks (a save holds {@code quality/<kpi>})
     */
    public QualityResultsRepository(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                                    WriteLocks locks) {
        this.jdbc = jdbc;
        this.locks = locks;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * One stored row: the result of a check for every business date in [first, last].
     *
     * @param first the first business date of the span (inclusive)
     * @param last  the last business date of the span (inclusive; the column {@code business_date})
     * @param each  the result of every date of the span (its {@code businessDate} is that of the last)
     */
    record Span(LocalDate first, LocalDate last, QualityResult each) {

        boolean overlaps(Span other) {
            return !first.isAfter(other.last) && !last.isBefore(other.first);
        }

        /** Whether {@code r} is the same result for the date right after this span. */
        boolean continuedBy(QualityResult r) {
            QualityResult e = each;
            return r.businessDate().equals(last.plusDays(1)) && r.kpi().equals(e.kpi()) && r.check().equals(e.check())
                    && r.kind().equals(e.kind()) && r.status().equals(e.status())
                    && Objects.equals(r.observed(), e.observed()) && r.message().equals(e.message())
                    && r.jobExecutionId() == e.jobExecutionId() && r.checkedAt().equals(e.checkedAt());
        }

        Object[] row() {
            return new Object[] {each.kpi(), first, last, each.check(), each.kind(), each.status(), each.observed(),
                    each.message(), each.jobExecutionId(), Timestamp.from(each.checkedAt())};
        }
    }

    /**
     * The results as spans: per KPI and check in date order, equal results of consecutive dates joined.
     *
     * @throws IllegalArgumentException when two results name the same KPI, business date and check
     */
    static List<Span> spans(List<QualityResult> results) {
        List<QualityResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing(QualityResult::kpi).thenComparing(QualityResult::check)
                .thenComparing(QualityResult::businessDate));
        List<Span> spans = new ArrayList<>();
        Span open = null;
        for (QualityResult r : sorted) {
            if (open != null && r.kpi().equals(open.each().kpi()) && r.check().equals(open.each().check())
                    && !r.businessDate().isAfter(open.last())) {
                throw new IllegalArgumentException("two results of check " + r.check() + " of KPI " + r.kpi()
                        + " for " + r.businessDate());
            }
            if (open != null && open.continuedBy(r)) {
                open = new Span(open.first(), r.businessDate(), open.each());
                spans.set(spans.size() - 1, open);
            } else {
                open = new Span(r.businessDate(), r.businessDate(), r);
                spans.add(open);
            }
        }
        return spans;
    }

    /**
     * The parts of the stored span {@code old} that none of {@code replacing} (sorted by first date, not overlapping
     * each other) covers, in date order.
     */
    static List<Span> remainder(Span old, List<Span> replacing) {
        List<Span> parts = new ArrayList<>();
        LocalDate cursor = old.first();
        for (Span n : replacing) {
            if (!n.overlaps(old)) {
                continue;
            }
            if (n.first().isAfter(cursor)) {
                parts.add(new Span(cursor, n.first().minusDays(1), old.each()));
            }
            if (!n.last().isBefore(cursor)) {
                cursor = n.last().plusDays(1);
            }
        }
        if (!cursor.isAfter(old.last())) {
            parts.add(new Span(cursor, old.last(), old.each()));
        }
        return parts;
    }

    /**
     * Replaces the stored result of each given (KPI, business date, check) by the given one, in one commit, together
     * with what {@code alsoInTransaction} writes (the alerts about them). Stored spans that cover a given date are cut
     * around it; results of other dates stay as they were. Saves of the same KPI are serialized by a row lock (table
     * {@code kpi_write_lock}, key {@code quality/<kpi>}) held until commit, so two runs checking the same dates at once
     * (overlapping lookbacks) never leave overlapping spans: the later one replaces the earlier one's results.
     *
     * @throws IllegalArgumentException when two results name the same KPI, business date and check
     */
    public void save(List<QualityResult> results, Runnable alsoInTransaction) {
        if (results.isEmpty()) {
            return;
        }
        List<Span> spans = spans(results);
        Map<List<String>, List<Span>> byCheck = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Span s : spans) {
            byCheck.computeIfAbsent(List.of(s.each().kpi(), s.each().check()), k -> new ArrayList<>()).add(s);
        }
        ownTransaction.executeWithoutResult(status -> {
            byCheck.keySet().stream().map(k -> "quality/" + k.get(0)).distinct().sorted().forEach(locks::lock);
            List<Object[]> deletes = new ArrayList<>();
            List<Object[]> updates = new ArrayList<>();
            List<Object[]> inserts = new ArrayList<>();
            byCheck.forEach((key, replacing) -> {
                Map<List<LocalDate>, Span> fresh = new java.util.LinkedHashMap<>();
                replacing.forEach(n -> fresh.put(List.of(n.first(), n.last()), n));
                for (Span old : stored(key.get(0), key.get(1), replacing.getFirst().first(),
                        replacing.getLast().last())) {
                    Span same = fresh.remove(List.of(old.first(), old.last()));
                    if (same != null) {
                        // the same dates checked again (a rerun): the row is updated in place
                        QualityResult r = same.each();
                        updates.add(new Object[] {r.kind(), r.status(), r.observed(), r.message(),
                                r.jobExecutionId(), Timestamp.from(r.checkedAt()), key.get(0), old.last(),
                                key.get(1)});
                    } else if (replacing.stream().anyMatch(old::overlaps)) {
                        deletes.add(new Object[] {key.get(0), old.last(), key.get(1)});
                        remainder(old, replacing).forEach(part -> inserts.add(part.row()));
                    }
                }
                fresh.values().forEach(n -> inserts.add(n.row()));
            });
            jdbc.batchUpdate("DELETE FROM quality_result WHERE kpi = ? AND business_date = ? AND check_name = ?",
                    deletes);
            jdbc.batchUpdate("UPDATE quality_result SET kind = ?, status = ?, observed = ?, message = ?,"
                    + " job_execution_id = ?, checked_at = ? WHERE kpi = ? AND business_date = ?"
                    + " AND check_name = ?", updates);
            jdbc.batchUpdate("INSERT INTO quality_result (kpi, first_date, business_date, check_name, kind,"
                    + " status, observed, message, job_execution_id, checked_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts);
            alsoInTransaction.run();
        });
    }

    /** The stored spans of a KPI's check that overlap [from, to], by first date. */
    private List<Span> stored(String kpi, String check, LocalDate from, LocalDate to) {
        return jdbc.query("SELECT first_date, business_date, kind, status, observed, message, job_execution_id,"
                        + " checked_at FROM quality_result WHERE kpi = ? AND check_name = ? AND business_date >= ?"
                        + " AND first_date <= ? ORDER BY first_date",
                (rs, n) -> {
                    LocalDate last = rs.getObject(2, LocalDate.class);
                    return new Span(rs.getObject(1, LocalDate.class), last, new QualityResult(kpi, last, check,
                            rs.getString(3), rs.getString(4), rs.getObject(5) == null ? null : rs.getDouble(5),
                            rs.getString(6), rs.getLong(7), rs.getTimestamp(8).toInstant()));
                }, kpi, check, from, to);
    }

    /** Every result stored for a business date, ordered by KPI and check. */
    public List<QualityResult> forDate(LocalDate date) {
        return jdbc.query("SELECT kpi, check_name, kind, status, observed, message, job_execution_id, checked_at"
                        + " FROM quality_result WHERE business_date >= ? AND first_date <= ? ORDER BY kpi, check_name",
                (rs, n) -> new QualityResult(rs.getString(1), date, rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getObject(5) == null ? null : rs.getDouble(5), rs.getString(6),
                        rs.getLong(7), rs.getTimestamp(8).toInstant()), date, date);
    }

    /**
     * Whether a check of {@code kind} ({@code freshness}, {@code test}, {@code anomaly}) currently stands at
     * {@code error} for the business date, for any KPI.
     */
    public boolean hasError(LocalDate date, String kind) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM quality_result WHERE business_date >= ?"
                + " AND first_date <= ? AND kind = ? AND status = 'error'", Integer.class, date, date, kind);
        return n != null && n > 0;
    }

    /** The latest business date with any stored result. */
    public Optional<LocalDate> latestDate() {
        return Optional.ofNullable(jdbc.queryForObject("SELECT MAX(business_date) FROM quality_result",
                LocalDate.class));
    }
}
