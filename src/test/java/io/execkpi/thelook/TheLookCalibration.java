package io.execkpi.thelook;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * Manual calibration aid (not a test): runs the simulation without a database and prints totals and
 * the user-level conversion per experiment arm, as the KPI defines it.
 * Usage: {@code TheLookCalibration <scale> <days> [seed]}.
 */
public final class TheLookCalibration {

    public static void main(String[] args) {
        double scale = Double.parseDouble(args[0]);
        int days = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        long start = LocalDate.of(2022, 1, 1).toEpochDay();
        Simulation sim = new Simulation(seed, scale, start, new Catalog(seed, scale));
        sim.openWindow(start, start + days - 1);
        int ne = sim.experiments.size();
        Map<Long, long[]> assignedAt = new HashMap<>(); // user -> per experiment assigned second (or -1)
        Map<Long, int[]> variant = new HashMap<>();
        Map<Long, boolean[]> converted = new HashMap<>();
        long users = 0, orders = 0, items = 0, events = 0, sessions = 0, anon = 0, purchases = 0;
        long[] weekday = new long[7];
        for (long d = start; d < start + days; d++) {
            Simulation.Day day = sim.simulate(d);
            users += day.newUsers.size();
            weekday[Seasonality.weekdayIndex(d)] += day.sessions.size();
            for (Simulation.Session s : day.sessions) {
                sessions++;
                events += s.eventCount;
                if (s.user == null) {
                    anon++;
                    continue;
                }
                long uid = s.user.id;
                if (s.assign != null) {
                    long[] at = assignedAt.computeIfAbsent(uid, k -> filled(ne));
                    int[] v = variant.computeIfAbsent(uid, k -> new int[ne]);
                    for (int k = 0; k < ne; k++) {
                        if (s.assign[k] >= 0) {
                            at[k] = s.start;
                            v[k] = s.assign[k];
                        }
                    }
                }
                if (s.order != null) {
                    orders++;
                    items += s.order.productIds.length;
                    if (s.order.status == Catalog.STATUS_COMPLETE) {
                        long[] at = assignedAt.get(uid);
                        if (at != null) {
                            boolean[] c = converted.computeIfAbsent(uid, k -> new boolean[ne]);
                            for (int k = 0; k < ne; k++) {
                                if (at[k] >= 0 && s.start + s.order.createdOffset >= at[k]) {
                                    c[k] = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("users=%d orders=%d items=%d events=%d sessions=%d anon=%d%n", users, orders, items,
            events, sessions, anon);
        System.out.println("sessions by weekday Mon..Sun: " + java.util.Arrays.toString(weekday));
        for (int k = 0; k < ne; k++) {
            Experiments.Experiment e = sim.experiments.get(k);
            int nv = e.variants().size();
            long[] n = new long[nv];
            long[] conv = new long[nv];
            for (Map.Entry<Long, long[]> en : assignedAt.entrySet()) {
                if (en.getValue()[k] < 0) {
                    continue;
                }
                int v = variant.get(en.getKey())[k];
                n[v]++;
                boolean[] c = converted.get(en.getKey());
                if (c != null && c[k]) {
                    conv[v]++;
                }
            }
            StringBuilder sb = new StringBuilder(e.id()).append(':');
            long total = 0;
            for (long x : n) {
                total += x;
            }
            double base = (double) conv[0] / n[0];
            for (int v = 0; v < nv; v++) {
                double rate = (double) conv[v] / n[v];
                double se = Math.sqrt((1 - base) / conv[0] + (1 - rate) / conv[v]) * rate / base;
                sb.append(String.format(" %s n=%d share=%.4f conv=%.4f lift=%+.4f±%.4f", e.variants().get(v).name(),
                    n[v], (double) n[v] / total, rate, rate / base - 1, se));
            }
            System.out.println(sb);
        }
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }
}
