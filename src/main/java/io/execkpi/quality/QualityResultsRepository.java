package io.execkpi.quality;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores and reads data-quality results (table {@code quality_result}, migration V7). Writes run in a transaction of
 * their own ({@code REQUIRES_NEW}): a result that fails a step must outlive the rollback of that step's rows.
 */
@Repository
public class QualityResultsRepository {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;

    /** @param jdbc the results store */
    public QualityResultsRepository(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Attempts of a save that collides with a concurrent save of the same keys (last writer wins). */
    static final int ATTEMPTS = 5;

    /**
     * Replaces the stored result of each given (KPI, business date, check) by the given one, in one commit, together
     * with what {@code alsoInTransaction} writes (the alerts about them). Two runs checking the same dates at once
     * (overlapping lookbacks) may both find no row and both insert: the loser's transaction rolls back whole and is
     * done again, now replacing the winner's rows.
     */
    public void save(List<QualityResult> results, Runnable alsoInTransaction) {
        if (results.isEmpty()) {
            return;
        }
        List<Object[]> keys = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (QualityResult r : results) {
            keys.add(new Object[] {r.kpi(), r.businessDate(), r.check()});
            rows.add(new Object[] {r.kpi(), r.businessDate(), r.check(), r.kind(), r.status(), r.observed(),
                    r.message(), r.jobExecutionId(), Timestamp.from(r.checkedAt())});
        }
        for (int attempt = 1; ; attempt++) {
            try {
                ownTransaction.executeWithoutResult(status -> {
                    jdbc.batchUpdate("DELETE FROM quality_result WHERE kpi = ? AND business_date = ? AND check_name = ?",
                            keys);
                    jdbc.batchUpdate("INSERT INTO quality_result (kpi, business_date, check_name, kind, status, observed,"
                            + " message, job_execution_id, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
                    alsoInTransaction.run();
                });
                return;
            } catch (org.springframework.dao.DuplicateKeyException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Every result stored for a business date, ordered by KPI and check. */
    public List<QualityResult> forDate(LocalDate date) {
        return jdbc.query("SELECT kpi, business_date, check_name, kind, status, observed, message, job_execution_id,"
                        + " checked_at FROM quality_result WHERE business_date = ? ORDER BY kpi, check_name",
                (rs, n) -> new QualityResult(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getObject(6) == null ? null : rs.getDouble(6),
                        rs.getString(7), rs.getLong(8), rs.getTimestamp(9).toInstant()), date);
    }

    /**
     * Whether a check of {@code kind} ({@code freshness}, {@code test}, {@code anomaly}) currently stands at
     * {@code error} for the business date, for any KPI.
     */
    public boolean hasError(LocalDate date, String kind) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM quality_result WHERE business_date = ? AND kind = ?"
                + " AND status = 'error'", Integer.class, date, kind);
        return n != null && n > 0;
    }

    /** The latest business date with any stored result. */
    public Optional<LocalDate> latestDate() {
        return Optional.ofNullable(jdbc.queryForObject("SELECT MAX(business_date) FROM quality_result",
                LocalDate.class));
    }
}
