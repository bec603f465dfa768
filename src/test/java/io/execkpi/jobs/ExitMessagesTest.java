package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exit descriptions as Spring Batch stores them become operator sentences for the public read API. */
class ExitMessagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "org.springframework.dao.DuplicateKeyException: PreparedStatementCallback; SQL [INSERT INTO kpi_revenue_daily (date) VALUES (?)]; Unique index or primary key violation: \"PUBLIC.PRIMARY_KEY_8 ON PUBLIC.KPI_REVENUE_DAILY(DATE) VALUES ( /* 1 */ DATE '2026-11-20' )\"|Writing the results was refused by the results store",
            "org.springframework.dao.DataIntegrityViolationException: Check constraint violation: \"API_POISON: (DATE <> DATE '2026-11-20')\"|Writing the results was refused by the results store",
            "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection|A results-store operation failed",
            "io.execkpi.warehouse.WarehouseQueryException: query revenue_daily failed: Syntax error in SQL statement \"SELECT …\"|A warehouse query failed",
            "java.nio.file.NoSuchFileException: /var/lib/execkpi/artifacts/ml/staging/12/metrics.json|Reading or writing a file failed",
            "java.time.DateTimeException: Invalid date 'February 29' as '1000' is not a leap year|The step failed unexpectedly",
            "java.lang.NullPointerException|The step failed unexpectedly",
            "java.lang.IllegalStateException: The staging folder /srv/execkpi/artifacts/ml/staging/12 of this job instance is gone; start a new instance with rerun=true|The staging folder …/12 of this job instance is gone; start a new instance with rerun=true",
            "java.lang.IllegalStateException: ab_metrics is not materialized for 2026-11-20: run kpiJob for it first|ab_metrics is not materialized for 2026-11-20: run kpiJob for it first",
            "published run 2026-11-20_20261121023000 (xgboost) to /srv/execkpi/artifacts/ml/runs/2026-11-20_20261121023000; mirrored to s3://bucket/prefix/ml/runs/2026-11-20_20261121023000|published run 2026-11-20_20261121023000 (xgboost) to …/2026-11-20_20261121023000; mirrored to s3://bucket/prefix/ml/runs/2026-11-20_20261121023000",
            "C:\\execkpi\\artifacts\\ml\\runs\\r1 is gone|…/r1 is gone",
    })
    void stackTracesAndPathsBecomeSentences(String description, String expected) {
        String trace = description + "\n\tat io.execkpi.kpi.MaterializeKpiTasklet.execute(MaterializeKpiTasklet.java:80)\n";
        String message = ExitMessages.forOperator(trace);
        assertThat(message).startsWith(expected);
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("SQL")
                .doesNotContain("/srv").doesNotContain("/var").doesNotContain("PRIMARY_KEY").doesNotContain("API_POISON");
    }

    @Test
    void nothingToSayIsNull() {
        assertThat(ExitMessages.forOperator(null)).isNull();
        assertThat(ExitMessages.forOperator("  ")).isNull();
        assertThat(ExitMessages.forOperator("x".repeat(1000))).hasSize(301);
    }
}
