package io.execkpi.kpi.page;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.execkpi.kpi.KpiDefinition;
import io.execkpi.web.Charts;
import io.execkpi.web.Formats;

/**
 * The cohort section of a KPI page whose catalog entry has {@code page.cohorts}: a cohort × period matrix of the
 * stored rates with the counts behind them, as a heatmap and a table.
 */
public final class CohortView {

    private CohortView() {
    }

    /**
     * One cohort: its partition value (e.g. the signup week), its size, and per period its rate (share) and active
     * users, null where the period has no row (not begun).
     */
    public record Cohort(String cohortWeek, long cohortUsers, List<Double> rates, List<Long> active) {
    }

    /**
     * Periods 0..n−1 as text, the cohorts in row order and the heatmap, whose cells are
     * {@code [period, cohort index, rate, active users, cohort users]} (no cell without a rate).
     */
    public record Cohorts(List<String> weeks, List<Cohort> cohorts, Map<String, Object> chart) {
    }

    /**
     * The matrix over the range's rows.
     *
     * @param spec      the catalog's {@code page.cohorts} (period, size, active and rate columns)
     * @param partition the KPI's partition key: the cohort
     * @param rows      the range's rows, cohorts in the order met
     */
    public static Cohorts cohorts(KpiDefinition.Cohorts spec, String partition, List<Map<String, Object>> rows) {
        int periods = rows.stream().mapToInt(r -> ((Number) r.get(spec.period())).intValue()).max().orElse(-1) + 1;
        Map<String, Cohort> byCohort = new LinkedHashMap<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        List<List<Number>> cells = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String c = String.valueOf(r.get(partition));
            int w = ((Number) r.get(spec.period())).intValue();
            long users = ((Number) r.get(spec.size())).longValue();
            long active = ((Number) r.get(spec.active())).longValue();
            Number rate = (Number) r.get(spec.rate());
            Cohort cohort = byCohort.computeIfAbsent(c, k -> new Cohort(k, users,
                    new ArrayList<>(Collections.nCopies(periods, (Double) null)),
                    new ArrayList<>(Collections.nCopies(periods, (Long) null))));
            cohort.rates().set(w, rate == null ? null : rate.doubleValue());
            cohort.active().set(w, active);
            int y = index.computeIfAbsent(c, k -> index.size());
            if (rate != null) {
                // no cell without a rate: a blank, not a tint that reads as a low value
                cells.add(List.of(w, y, rate.doubleValue(), active, users));
            }
        }
        List<String> weeks = IntStream.range(0, periods).mapToObj(String::valueOf).toList();
        return new Cohorts(weeks, List.copyOf(byCohort.values()),
                Charts.heatmap(weeks, List.copyOf(index.keySet()), cells, spec.rate().replace('_', ' ')));
    }

    /**
     * The cohort table's body as HTML ({@link KpiTable#tbody} after a row header): per cohort its start, its users
     * and the rate of each period in whole percent, with "a of n users active" (or "week not begun") on hover.
     */
    public static String cohortRows(Cohorts cohorts, Formats fmt) {
        List<List<KpiTable.Cell>> rows = new ArrayList<>(cohorts.cohorts().size());
        for (Cohort c : cohorts.cohorts()) {
            List<KpiTable.Cell> cells = new ArrayList<>(c.rates().size() + 1);
            cells.add(new KpiTable.Cell(fmt.integer(c.cohortUsers()), true));
            for (int w = 0; w < c.rates().size(); w++) {
                Long active = c.active().get(w);
                cells.add(new KpiTable.Cell(fmt.percent(c.rates().get(w), 0), true, active == null ? "week not begun"
                        : active + " of " + c.cohortUsers() + " users active"));
            }
            rows.add(cells);
        }
        return KpiTable.tbody(cohorts.cohorts().stream().map(Cohort::cohortWeek).toList(), rows);
    }
}
