package io.execkpi.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Child process of {@code StoreDurabilityTest}: commits one row at a time to the store at the JDBC URL given as the
 * first argument and reports each acknowledged commit on standard output ("committed N"), until it is killed.
 */
public final class StoreCommitChild {

    private StoreCommitChild() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS durability_probe (id BIGINT PRIMARY KEY, payload VARCHAR(200))");
            }
            c.commit();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO durability_probe VALUES (?, ?)")) {
                for (long id = 1; ; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "acknowledged commit " + id);
                    insert.executeUpdate();
                    c.commit();
                    System.out.println("committed " + id);
                    System.out.flush();
                    Thread.sleep(id < 20 ? 5 : 50);
                }
            }
        }
    }
}
