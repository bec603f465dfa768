package io.execkpi.quality;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Named row locks in the results store (table {@code kpi_write_lock}, migration V5), held until the caller's
 * transaction ends: writers of the same thing (a KPI's rows, a KPI's data-quality results; another thread or process)
 * wait for each other's commit instead of colliding on keys or interleaving. Works on H2 and PostgreSQL.
 */
@Component
public class WriteLocks {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;

    /** @param jdbc the results store */
    public WriteLocks(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Takes the lock {@code name} (at most 100 characters) for the rest of the caller's transaction, creating its row
     * on first use in a transaction of its own (a concurrent creator's row serves as well).
     */
    public void lock(String name) {
        String select = "SELECT kpi FROM kpi_write_lock WHERE kpi = ? FOR UPDATE";
        if (jdbc.queryForList(select, String.class, name).isEmpty()) {
            try {
                ownTransaction.executeWithoutResult(status -> jdbc.update(
                        "INSERT INTO kpi_write_lock (kpi) VALUES (?)", name));
            } catch (DuplicateKeyException e) {
                // another writer created the lock row first
            }
            jdbc.queryForList(select, String.class, name);
        }
    }
}
