package io.execkpi.support;

import java.sql.DatabaseMetaData;
import java.time.LocalDate;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fault injection in the real results store: the date's stored rows are deleted and a CHECK constraint rejects new
 * ones, so a job that materializes the date fails at exactly that slice (a rerun leaves rows equal to the stored ones
 * in place, so the row must be missing for the job to meet the constraint). Works on H2 and PostgreSQL.
 */
public final class Poison {

    private Poison() {
    }

    public static void add(JdbcTemplate store, String name, String table, String column, LocalDate date) {
        boolean postgres = Boolean.TRUE.equals(store.execute((ConnectionCallback<Boolean>) c -> {
            DatabaseMetaData meta = c.getMetaData();
            return meta.getDatabaseProductName().toLowerCase().contains("postgres");
        }));
        store.update("DELETE FROM " + table + " WHERE " + column + " = ?", date);
        store.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (" + column + " <> DATE '" + date
                + "')" + (postgres ? " NOT VALID" : " NOCHECK"));
    }

    public static void remove(JdbcTemplate store, String name, String table) {
        store.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + name);
    }
}
