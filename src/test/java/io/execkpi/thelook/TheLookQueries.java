package io.execkpi.thelook;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQL measurements over a generated warehouse, shared by the tests and {@link TheLookBenchmark}. */
final class TheLookQueries {

    static final String[] TABLES = {"distribution_centers", "products", "users", "orders", "order_items",
        "inventory_items", "events", "experiments", "experiment_variants", "assignments", "thelook_meta"};
    static final String[] ORDER_BY = {"id", "id", "id", "order_id", "id", "id", "id", "experiment_id",
        "experiment_id, variant", "experiment_id, user_id", "id"};

    private TheLookQueries() {
    }

    /** SHA-256 over every row of every table, in primary-key order. */
    static String checksum(Connection c) throws SQLException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int t = 0; t < TABLES.length; t++) {
            md.update(TABLES[t].getBytes());
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + TABLES[t] + " ORDER BY " + ORDER_BY[t])) {
                int n = rs.getMetaData().getColumnCount();
                StringBuilder row = new StringBuilder();
                while (rs.next()) {
                    row.setLength(0);
                    for (int i = 1; i <= n; i++) {
                        row.append(rs.getString(i)).append('\u0001');
                    }
                    row.append('\n');
                    md.update(row.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<Object[]> rows(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Object[]> out = new ArrayList<>();
            while (rs.next()) {
                Object[] row = new Object[md.getColumnCount()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                out.add(row);
            }
            return out;
        }
    }

    /** Users and converters of one arm: users with >= 1 Complete order created at or after assigned_at. */
    record Arm(String variant, long users, long converters) {
        double rate() {
            return users == 0 ? 0 : (double) converters / users;
        }
    }

    static final String CONVERSION_SQL = """
        SELECT a.variant, COUNT(*) AS users,
               SUM(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.user_id = a.user_id
                                       AND o.status = 'Complete' AND o.created_at >= a.assigned_at)
                        THEN 1 ELSE 0 END) AS converters
        FROM assignments a
        WHERE a.experiment_id = ?
        GROUP BY a.variant
        ORDER BY a.variant
        """;

    static Map<String, Arm> conversion(Connection c, String experimentId) throws SQLException {
        Map<String, Arm> arms = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CONVERSION_SQL)) {
            ps.setString(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    arms.put(rs.getString(1), new Arm(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return arms;
    }

    /** Relative lift of b over a and its delta-method standard error (log ratio). */
    static double[] lift(Arm control, Arm treatment) {
        double lift = treatment.rate() / control.rate() - 1;
        double seLog = Math.sqrt((1 - control.rate()) / (control.converters())
            + (1 - treatment.rate()) / (treatment.converters()));
        return new double[] {lift, seLog * (1 + lift)};
    }

    static String describe(Connection c) throws SQLException {
        StringBuilder sb = new StringBuilder();
        for (String exp : new String[] {"checkout_redesign", "homepage_aa", "pricing_three_arm", "recs_srm"}) {
            Map<String, Arm> arms = conversion(c, exp);
            long total = arms.values().stream().mapToLong(Arm::users).sum();
            Arm control = arms.get("control");
            sb.append(exp).append(':');
            for (Arm a : arms.values()) {
                sb.append(String.format(" %s n=%d share=%.4f conv=%.4f", a.variant(), a.users(),
                    (double) a.users() / total, a.rate()));
                if (a != control) {
                    double[] l = lift(control, a);
                    sb.append(String.format(" lift=%+.4f±%.4f", l[0], l[1]));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
