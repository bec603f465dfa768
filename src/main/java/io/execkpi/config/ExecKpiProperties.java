package io.execkpi.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings shared by every capability.
 *
 * @param dataDir folder of the embedded databases (the DuckDB warehouse, the H2 job repository and results store)
 * @param zone    zone in which business dates are calendar dates ("yesterday" is computed here)
 */
@ConfigurationProperties("execkpi")
public record ExecKpiProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("UTC") ZoneId zone) {

    /** The last complete business date: yesterday in the configured zone. */
    public LocalDate yesterday(Clock clock) {
        return LocalDate.now(clock.withZone(zone)).minusDays(1);
    }
}
