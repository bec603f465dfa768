package io.execkpi.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Parses optional ISO date query parameters with a message a person can act on. Only dates written with four-digit
 * years ({@link #MIN} to {@link #MAX}) are accepted: the extremes of {@link LocalDate} (years of nine digits) make
 * any date arithmetic overflow.
 */
public final class DateParams {

    /** The first date a query parameter may name. */
    public static final LocalDate MIN = LocalDate.of(1, 1, 1);
    /** The last date a query parameter may name. */
    public static final LocalDate MAX = LocalDate.of(9999, 12, 31);

    private DateParams() {
    }

    /** The date of {@code value}, null when blank; a 400 problem naming {@code name} otherwise. */
    public static LocalDate parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("Query parameter '" + name + "' must be a date in the form YYYY-MM-DD, got '"
                    + shown(value) + "'");
        }
        if (date.isBefore(MIN) || date.isAfter(MAX)) {
            throw ApiException.badRequest("Query parameter '" + name + "' must be a date from " + MIN + " to " + MAX
                    + ", got '" + shown(value) + "'");
        }
        return date;
    }

    /** {@code date} moved by {@code days}, kept within {@link #MIN}..{@link #MAX}. */
    public static LocalDate plusDaysWithinRange(LocalDate date, long days) {
        LocalDate moved = date.plusDays(days);
        return moved.isBefore(MIN) ? MIN : moved.isAfter(MAX) ? MAX : moved;
    }

    private static String shown(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
