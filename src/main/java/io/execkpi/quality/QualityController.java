package io.execkpi.quality;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.web.DateParams;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read API for data-quality results: what was checked for a business date, and how it went. */
@RestController
@Tag(name = "Data quality", description = "Source freshness, tests and anomaly checks of kpiJob")
@RequestMapping("/api/quality")
public class QualityController {

    private final QualityResultsRepository results;
    private final ExecKpiProperties app;
    private final Clock clock;

    /**
     * @param results the stored check results
     * @param app     application settings (the business-date zone)
     * @param clock   the clock that defines "yesterday" when nothing has been checked yet
     */
    public QualityController(QualityResultsRepository results, ExecKpiProperties app, Clock clock) {
        this.results = results;
        this.app = app;
        this.clock = clock;
    }

    /**
     * The results of one business date.
     *
     * @param date            the business date
     * @param pass            checks that passed
     * @param warn            checks that failed at warn level
     * @param error           checks that failed at error level (the KPI's rows for the date were not written)
     * @param results         every check, ordered by KPI and check name
     */
    public record QualityReport(LocalDate date, int pass, int warn, int error, List<QualityResult> results) {
    }

    /**
     * Every check stored for {@code date}, by default the latest business date checked (yesterday when none).
     *
     * @param date an ISO date (YYYY-MM-DD), optional
     * @return the date's report; empty results when nothing was checked for it
     * @throws io.execkpi.web.ApiException 400 (problem details naming {@code date}) for a malformed date
     */
    @Operation(summary = "Data-quality results of a business date", description = "Source freshness, tests on the"
            + " materialized rows and anomaly checks stored for the date (default: the latest date checked), with counts"
            + " per status. 400 for a malformed date.")
    @GetMapping
    public QualityReport forDate(@RequestParam(required = false) String date) {
        LocalDate d = DateParams.parse("date", date);
        if (d == null) {
            d = results.latestDate().orElseGet(() -> app.yesterday(clock));
        }
        List<QualityResult> list = results.forDate(d);
        return new QualityReport(d, count(list, QualityResult.PASS), count(list, QualityResult.WARN),
                count(list, QualityResult.ERROR), list);
    }

    private static int count(List<QualityResult> list, String status) {
        return (int) list.stream().filter(r -> r.status().equals(status)).count();
    }
}
