package io.execkpi.warehouse;

import java.time.LocalDate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The generated embedded warehouse (used only with the default embedded DuckDB warehouse).
 *
 * @param generate whether to generate (or top up) the embedded warehouse at start-up
 * @param scale    1.0 ≈ the public thelook dataset (100k users, ~2.4M events)
 * @param seed     random seed: the same seed and date always give the same rows
 * @param start    first generated day (default: three years before the day the warehouse is first generated)
 */
@ConfigurationProperties("execkpi.thelook")
public record TheLookProperties(
        @DefaultValue("true") boolean generate,
        @DefaultValue("0.1") double scale,
        @DefaultValue("20240101") long seed,
        LocalDate start) {
}
