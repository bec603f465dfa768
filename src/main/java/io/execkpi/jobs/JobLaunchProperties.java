package io.execkpi.jobs;

import java.time.LocalDate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds of what an operator may launch (job API and command line).
 *
 * @param firstDate    the warehouse's first day: no business date or backfill may start before it; unset: the
 *                     embedded warehouse's first generated day (no bound for another warehouse)
 * @param maxRangeDays the most business dates one launch may cover ({@code from}..{@code date})
 */
@ConfigurationProperties("execkpi.jobs")
public record JobLaunchProperties(LocalDate firstDate, @DefaultValue("3660") int maxRangeDays) {

    public JobLaunchProperties {
        if (maxRangeDays < 1) {
            throw new IllegalArgumentException("execkpi.jobs.max-range-days must be at least 1");
        }
    }
}
