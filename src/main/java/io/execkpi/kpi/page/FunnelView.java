package io.execkpi.kpi.page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.execkpi.web.Charts;

/**
 * The funnel section of a KPI page whose catalog entry has {@code page.funnel}: the range's total per stage, with
 * each stage's rate from the stage before and from the first (shares 0..1, null when the base is 0). Totals are sums
 * over the range's rows, so the rates are ratios of sums, not means of daily rates.
 */
public final class FunnelView {

    private FunnelView() {
    }

    /** One stage: its name, the range's total of its column, its rates from the stage before and from the first. */
    public record Stage(String name, long sessions, Double rateFromPrevious, Double rateFromFirst) {
    }

    /** The stages in funnel order and their ECharts funnel option. */
    public record Funnel(List<Stage> stages, Map<String, Object> chart) {
    }

    /**
     * The funnel over rows of the KPI.
     *
     * @param stages stage name → integer column, in funnel order (the catalog's {@code page.funnel})
     * @param rows   the range's rows (null cells count as 0)
     */
    public static Funnel funnel(Map<String, String> stages, List<Map<String, Object>> rows) {
        List<Stage> out = new ArrayList<>();
        long first = 0;
        long previous = 0;
        int i = 0;
        for (Map.Entry<String, String> stage : stages.entrySet()) {
            long total = rows.stream().map(r -> (Number) r.get(stage.getValue())).filter(Objects::nonNull)
                    .mapToLong(Number::longValue).sum();
            if (i == 0) {
                first = total;
            }
            out.add(new Stage(stage.getKey(), total, i == 0 || previous == 0 ? null : (double) total / previous,
                    first == 0 ? null : (double) total / first));
            previous = total;
            i++;
        }
        return new Funnel(out, Charts.funnel(List.copyOf(stages.keySet()), out.stream().map(Stage::sessions).toList()));
    }
}
