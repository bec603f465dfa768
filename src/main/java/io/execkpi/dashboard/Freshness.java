package io.execkpi.dashboard;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import io.execkpi.jobs.JobExecutionView;
import io.execkpi.jobs.JobProgress;

/**
 * What every dashboard page says about the data it shows: how fresh it is and whether the nightly flow is healthy.
 *
 * @param zone            the zone whose calendar defines business dates ({@code execkpi.zone})
 * @param asOf            the latest business date materialized for every KPI of the catalog (null: none yet)
 * @param yesterday       the last complete business date in {@code zone}
 * @param stale           true when {@code asOf} is older than {@code yesterday} (or nothing is materialized)
 * @param lastNightly     the last execution of the nightly flow, or null
 * @param nightlyFailed   true when that execution ended FAILED (or STOPPED/ABANDONED)
 * @param running         executions running now, with their step progress (for empty states)
 */
public record Freshness(ZoneId zone, LocalDate asOf, LocalDate yesterday, boolean stale,
                        JobExecutionView lastNightly, boolean nightlyFailed, List<JobProgress> running) {

    /** One sentence for an empty state: what is running and how far it is, or that nothing runs. */
    public String progressSentence() {
        if (running.isEmpty()) {
            return "No job is running right now.";
        }
        return running.get(0).sentence();
    }
}
