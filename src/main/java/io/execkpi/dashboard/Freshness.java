package io.execkpi.dashboard;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.JobExecutionView;
import io.execkpi.jobs.JobProgress;

/**
 * What every dashboard page says about the data it shows: how fresh it is and whether the nightly flow is healthy.
 *
 * @param zone            the zone whose calendar defines business dates ({@code execkpi.zone})
 * @param asOf            the latest business date materialized for every available KPI of the catalog (null: some
 *                        available KPI has none yet)
 * @param yesterday       the last complete business date in {@code zone}
 * @param stale           true when {@code asOf} is older than {@code yesterday} (or nothing is materialized)
 * @param unavailable     KPI name to why it cannot be computed on this warehouse (an imported export without a table
 *                        it requires), for the KPIs never materialized for that reason; they count neither for
 *                        {@code asOf} nor as stale
 * @param lastNightly     the last execution of the nightly flow, or null
 * @param nightlyFailed   true when that execution ended FAILED (or STOPPED/ABANDONED)
 * @param running         executions running now, with their step progress (for empty states)
 */
public record Freshness(ZoneId zone, LocalDate asOf, LocalDate yesterday, boolean stale,
                        Map<String, String> unavailable, JobExecutionView lastNightly, boolean nightlyFailed,
                        List<JobProgress> running) {

    /**
     * How fresh the data is: {@code asOf} is the oldest of the latest materialized dates of the catalog's KPIs,
     * leaving out the unavailable ones, or null when an available KPI has no date yet; stale when that is null or
     * older than {@code yesterday}.
     *
     * @param kpis        the catalog's KPI names
     * @param latest      KPI name to its latest materialized business date (absent: none)
     * @param unavailable KPI name to why it cannot be computed here (absent: available)
     */
    public static Freshness of(ZoneId zone, List<String> kpis, Map<String, LocalDate> latest,
                               Map<String, String> unavailable, LocalDate yesterday, JobExecutionView lastNightly,
                               boolean nightlyFailed, List<JobProgress> running) {
        List<String> counted = kpis.stream().filter(k -> !unavailable.containsKey(k)).toList();
        LocalDate asOf = counted.stream().anyMatch(k -> latest.get(k) == null) ? null
                : counted.stream().map(latest::get).min(LocalDate::compareTo).orElse(null);
        return new Freshness(zone, asOf, yesterday, asOf == null || asOf.isBefore(yesterday), Map.copyOf(unavailable),
                lastNightly, nightlyFailed, running);
    }

    /** E.g. {@code "funnel_daily, retention_weekly unavailable on this warehouse"} (empty when none is). */
    public String unavailableSentence() {
        return unavailable.isEmpty() ? "" : String.join(", ", new java.util.TreeSet<>(unavailable.keySet()))
                + " unavailable on this warehouse";
    }

    /** Why each unavailable KPI is, one "name: reason" after the other, for a tooltip. */
    public String unavailableReasons() {
        return String.join("; ", new java.util.TreeMap<>(unavailable).entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).toList());
    }

    /** One sentence for an empty state: what is running and how far it is, or that nothing runs. */
    public String progressSentence() {
        if (running.isEmpty()) {
            return "No job is running right now.";
        }
        return running.get(0).sentence();
    }
}
