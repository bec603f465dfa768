package io.execkpi.thelook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Manual measurement (not a test): generates a warehouse and prints time, counts and planted effects.
 * Usage: {@code TheLookBenchmark <duckdb-jdbc-url> <scale> <days> [seed]}, e.g. {@code jdbc:duckdb:/tmp/w.duckdb}.
 */
public final class TheLookBenchmark {

    /** Crude propensity signal check: AUC of simple pre-cutoff scores for "orders in the next 14 days". */
    static void auc(Connection c, LocalDate cutoff) throws java.sql.SQLException {
        String t = "CAST('" + cutoff + "' AS TIMESTAMP)";
        java.util.Map<Long, Long> s30 = map(c, "SELECT user_id, COUNT(DISTINCT session_id) FROM events WHERE created_at < "
            + t + " AND created_at >= " + t + " - INTERVAL 30 DAY AND user_id IS NOT NULL GROUP BY user_id");
        java.util.Map<Long, Long> past = map(c, "SELECT user_id, COUNT(*) FROM orders WHERE created_at < " + t
            + " GROUP BY user_id");
        java.util.Map<Long, Long> label = map(c, "SELECT user_id, COUNT(*) FROM orders WHERE created_at >= " + t
            + " AND created_at < " + t + " + INTERVAL 14 DAY GROUP BY user_id");
        java.util.List<Object[]> rows = TheLookQueries.rows(c, "SELECT id, date_diff('day', created_at, " + t
            + "), traffic_source FROM users WHERE created_at < " + t);
        double[] y = new double[rows.size()];
        double[][] scores = new double[3][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Object[] r = rows.get(i);
            long id = ((Number) r[0]).longValue();
            y[i] = label.containsKey(id) ? 1 : 0;
            double sessions = s30.getOrDefault(id, 0L);
            double o = past.getOrDefault(id, 0L);
            double tenure = ((Number) r[1]).doubleValue();
            scores[0][i] = sessions;
            scores[1][i] = o / Math.sqrt(tenure + 7);
            scores[2][i] = sessions + 2 * o / Math.sqrt(tenure + 7) + 0.6 * Math.exp(-tenure / 30.0)
                + ("Email".equals(r[2]) ? 0.3 : 0) + ("Display".equals(r[2]) ? -0.3 : 0);
        }
        double pos = java.util.Arrays.stream(y).sum();
        System.out.printf("ML check at cutoff %s: %d users, %.0f positive; AUC sessions30=%.3f orders/sqrt(tenure)=%.3f combined=%.3f%n",
            cutoff, rows.size(), pos, aucOf(scores[0], y), aucOf(scores[1], y), aucOf(scores[2], y));
    }

    static java.util.Map<Long, Long> map(Connection c, String sql) throws java.sql.SQLException {
        java.util.Map<Long, Long> m = new java.util.HashMap<>();
        for (Object[] r : TheLookQueries.rows(c, sql)) {
            m.put(((Number) r[0]).longValue(), ((Number) r[1]).longValue());
        }
        return m;
    }

    static double aucOf(double[] s, double[] y) {
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(s[a], s[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && s[idx[j + 1]] == s[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[idx[k]] == 1) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = s.length - pos;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        double scale = Double.parseDouble(args[1]);
        int days = Integer.parseInt(args[2]);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        LocalDate start = LocalDate.of(2022, 1, 1);
        DriverManagerDataSource ds = new DriverManagerDataSource(url);
        TheLookGenerator gen = new TheLookGenerator(new TheLookSettings(seed, scale, start));
        GenerationSummary s = gen.generateThrough(ds, start.plusDays(days - 1));
        System.out.println(s);
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap used %d MiB, max %d MiB%n", (rt.totalMemory() - rt.freeMemory()) >> 20,
            rt.maxMemory() >> 20);
        try (Connection c = ds.getConnection()) {
            for (String t : TheLookQueries.TABLES) {
                System.out.printf("%-22s %,d%n", t, TheLookQueries.scalar(c, "SELECT COUNT(*) FROM " + t));
            }
            long t0 = System.nanoTime();
            System.out.print(TheLookQueries.describe(c));
            System.out.printf("experiment queries took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            for (Object[] r : TheLookQueries.rows(c, "SELECT status, COUNT(*) FROM orders GROUP BY status")) {
                System.out.println(java.util.Arrays.toString(r));
            }
            System.out.println("sessions: " + TheLookQueries.scalar(c,
                "SELECT COUNT(DISTINCT session_id) FROM events"));
            System.out.println("anonymous sessions: " + TheLookQueries.scalar(c,
                "SELECT COUNT(DISTINCT session_id) FROM events WHERE user_id IS NULL"));
            auc(c, start.plusDays(Math.min(days - 20, 730)));
            System.out.println("users with orders: " + TheLookQueries.scalar(c,
                "SELECT COUNT(DISTINCT user_id) FROM orders"));
        }
        if (url.startsWith("jdbc:duckdb:")) {
            Path f = Path.of(url.substring("jdbc:duckdb:".length()).split(";")[0]);
            if (Files.exists(f)) {
                System.out.printf("file %s %,d bytes%n", f, Files.size(f));
            }
        }
    }
}
