package io.execkpi.web;

import java.time.LocalDate;
import java.util.List;

/**
 * The date range of a dashboard page, as its URL states it: {@code ?days=7|30|90|365} (the last N days up to the
 * latest materialized date, default 30) or {@code ?from=YYYY-MM-DD&to=YYYY-MM-DD} (custom). The URL alone
 * reproduces a view. Dates are business dates (calendar days in {@code execkpi.zone}).
 *
 * @param days  the preset length in days, or null for a custom range
 * @param from  first day, inclusive (null until resolved when only a preset is given)
 * @param to    last day, inclusive
 */
public record PageRange(Integer days, LocalDate from, LocalDate to) {

    /** The presets of the range picker, in days. */
    public static final List<Integer> PRESETS = List.of(7, 30, 90, 365);
    public static final int DEFAULT_DAYS = 30;

    /**
     * Reads the page's parameters.
     *
     * @param end the last day of a preset range (the latest materialized date); null when nothing is materialized
     * @throws ApiException 400 when {@code days} is not a preset or a date does not parse
     */
    public static PageRange resolve(String days, String from, String to, LocalDate end) {
        LocalDate f = DateParams.parse("from", from);
        LocalDate t = DateParams.parse("to", to);
        if (f != null || t != null) {
            return new PageRange(null, f, t);
        }
        int n = DEFAULT_DAYS;
        if (days != null && !days.isBlank()) {
            try {
                n = Integer.parseInt(days.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (!PRESETS.contains(n)) {
                throw ApiException.badRequest("Query parameter 'days' must be one of " + PRESETS + ", got '" + days
                        + "'; use from and to for another range");
            }
        }
        return end == null ? new PageRange(n, null, null) : new PageRange(n, end.minusDays(n - 1L), end);
    }

    /** The same preset with the dates the read path settled on. */
    public PageRange withResolved(LocalDate resolvedFrom, LocalDate resolvedTo) {
        return new PageRange(days, resolvedFrom, resolvedTo);
    }

    public String fromParam() {
        return from == null ? null : from.toString();
    }

    public String toParam() {
        return to == null ? null : to.toString();
    }

    /** Length of the range in days (inclusive), or 0 while unresolved. */
    public long length() {
        return from == null || to == null ? 0 : java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
    }

    /** The query string that reproduces this range ({@code days=30} or {@code from=…&to=…}). */
    public String query() {
        return days != null ? "days=" + days : "from=" + from + "&to=" + to;
    }
}
