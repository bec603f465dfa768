package io.execkpi.quality;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The outcome of one data-quality check of one KPI for one business date.
 *
 * @param kpi            catalog name of the KPI
 * @param businessDate   the business date checked (UTC calendar date)
 * @param check          stable name of the check, e.g. {@code freshness(events)}, {@code range(rate,[0,1])},
 *                       {@code anomaly(orders)}
 * @param kind           {@code freshness}, {@code test} or {@code anomaly}
 * @param status         {@code pass}, {@code warn} or {@code error}
 * @param observed       the measured number: lag in minutes (freshness), failing rows (test), robust z-score
 *                       (anomaly); null when not measured
 * @param message        one sentence for an operator
 * @param jobExecutionId the job execution that ran the check
 * @param checkedAt      when it ran (UTC)
 */
public record QualityResult(String kpi, LocalDate businessDate, String check, String kind, String status,
                            Double observed, String message, long jobExecutionId, Instant checkedAt) {

    /** Status of a check that found nothing wrong. */
    public static final String PASS = "pass";
    /** Status of a failed warn-level check (recorded, the rows are written). */
    public static final String WARN = "warn";
    /** Status of a failed error-level check (the step fails, the rows are not written). */
    public static final String ERROR = "error";
}
