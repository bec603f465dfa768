package io.execkpi.kpi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One headline number of the overview, as the catalog's {@code overview:} section defines it: over the period's days
 * of a daily KPI, either the sum of a column ({@code sum}) or a ratio of two sums ({@code numerator} /
 * {@code denominator}, e.g. AOV = Σ revenue / Σ orders, never the mean of the daily ratios).
 *
 * @param title       the tile's heading, e.g. "Average order value"
 * @param kpi         a daily KPI of the catalog
 * @param sum         the numeric value column summed (null for a ratio)
 * @param numerator   the ratio's numerator column (null for a sum)
 * @param denominator the ratio's denominator column (null for a sum)
 * @param daily       the value column drawn day by day in the sparkline and quoted for the last day (default:
 *                    {@code sum}; a ratio names its stored daily ratio, e.g. {@code aov})
 * @param format      money (the results' currency), integer, or percent (a share 0..1, whose change is shown in
 *                    percentage points; the others' relative change in percent)
 */
public record Headline(String title, String kpi, String sum, String numerator, String denominator, String daily,
                       String format) {

    /** The formats the overview knows. */
    public static final List<String> FORMATS = List.of("money", "integer", "percent");

    /** The column of the sparkline and the last day's value. */
    public String dailyColumn() {
        return daily != null ? daily : sum;
    }

    /** True when the change between periods is a difference of shares (percentage points), else relative. */
    public boolean changeInPoints() {
        return "percent".equals(format);
    }

    /**
     * The period's value over the KPI's daily rows: Σ sum, or Σ numerator / Σ denominator (null when the denominator
     * sums to 0); null cells count as 0. Units are the columns'.
     *
     * @param rows rows of {@link #kpi} (one per day), any number
     */
    public Double value(List<Map<String, Object>> rows) {
        if (sum != null) {
            return total(rows, sum);
        }
        double d = total(rows, denominator);
        return d == 0 ? null : total(rows, numerator) / d;
    }

    /** How the value is computed, in words for the tile's hover text. */
    public String formula() {
        return (sum != null ? "Σ " + sum : "Σ " + numerator + " / Σ " + denominator) + " of " + kpi
                + " over the period's days" + (sum == null && daily != null
                ? " (a ratio of sums, not the mean of the daily " + daily + ")" : "");
    }

    private static double total(List<Map<String, Object>> rows, String column) {
        return rows.stream().map(r -> (Number) r.get(column)).filter(Objects::nonNull)
                .mapToDouble(Number::doubleValue).sum();
    }
}
