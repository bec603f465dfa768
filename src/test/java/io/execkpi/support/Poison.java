package io.execkpi.support;

import java.sql.DatabaseMetaData;
import java.time.LocalDate;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fault injection in the real results store: a CHECK constraint that rejects one date, so a job fails at exactly
 * that slice (existing rows are not checked). Works on H2 and PostgreSQL.
 */
public final class Poison {

    private Poison() {
    }

    public static void add(JdbcTemplate store, String name, String table, String column, LocalDate date) {
        boolean postgres = Boolean.TRUE.equals(store.execute((ConnectionCallback<Boolean>) c -> {
            DatabaseMetaData meta = c.getMetaData();
            return meta.getDatabaseProductName().toLowerCase().contains("postgres");
        }));
        store.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (" + column + " <> DATE '" + date
                + "')" + (postgres ? " NOT VALID" : " NOCHECK"));
    }

    public static void remove(JdbcTemplate store, String name, String table) {
        store.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + name);
    }
}
