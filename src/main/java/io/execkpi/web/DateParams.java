package io.execkpi.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Parses optional ISO date query parameters with a message a person can act on. */
public final class DateParams {

    private DateParams() {
    }

    public static LocalDate parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("Query parameter '" + name + "' must be a date in the form YYYY-MM-DD, got '"
                    + value + "'");
        }
    }
}
