package io.execkpi.jobs;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The business dates a job run covers: calendar dates (in {@code execkpi.zone}) from {@code from} through {@code to},
 * both included.
 *
 * @param from the first business date
 * @param to   the last business date, not before {@code from}
 */
public record BusinessDateRange(LocalDate from, LocalDate to) {

    /** @throws IllegalArgumentException when {@code from} is after {@code to} */
    public BusinessDateRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") is after 'to' (" + to + ")");
        }
    }

    /** Number of business dates in the range (1 when {@code from} equals {@code to}). */
    public long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }
}
