package io.execkpi.bootstrap;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the application does at start-up before serving: generate/top up the embedded warehouse and bring the
 * jobs up to yesterday.
 *
 * @param enabled      run the start-up work (off in command-line mode)
 * @param backfillDays business dates up to yesterday that must be materialized
 */
@ConfigurationProperties("execkpi.bootstrap")
public record BootstrapProperties(@DefaultValue("true") boolean enabled, @DefaultValue("90") int backfillDays) {
}
