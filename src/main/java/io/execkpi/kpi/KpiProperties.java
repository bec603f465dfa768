package io.execkpi.kpi;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * KPI materialization and read settings.
 *
 * @param catalog          resource location of the KPI catalog
 * @param lookbackDays     days before the business date that a nightly run re-materializes for late data
 * @param sliceDays        business dates materialized per warehouse query and per transaction
 * @param maxRangeDays     the largest date range a reader may ask for in one request
 * @param defaultRangeDays the range a reader gets without from/to
 * @param readCacheTtl     how long a read may be served from memory when another process may have written
 *                         (jobs of this process clear it at once); 0 disables the cache
 */
@ConfigurationProperties("execkpi.kpi")
public record KpiProperties(
        @DefaultValue("classpath:jobs/kpis.yml") String catalog,
        @DefaultValue("2") int lookbackDays,
        @DefaultValue("3660") int sliceDays,
        @DefaultValue("1100") int maxRangeDays,
        @DefaultValue("30") int defaultRangeDays,
        @DefaultValue("10s") java.time.Duration readCacheTtl) {

    public KpiProperties {
        if (lookbackDays < 0 || sliceDays < 1 || maxRangeDays < 1 || defaultRangeDays < 1) {
            throw new IllegalArgumentException("execkpi.kpi.*: lookback-days must be >= 0 and the other sizes >= 1");
        }
    }
}
