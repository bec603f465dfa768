package io.execkpi.jobs;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The nightly schedule and job lifecycle.
 *
 * @param nightly      cron (second minute hour day month weekday) in {@code execkpi.zone} that launches
 *                     nightlyJob for yesterday; {@code -} disables it
 * @param catchUpDays  at start-up and at each scheduled run, nights within this many days up to yesterday that are
 *                     missing or failed are run (restarted), oldest first; a failed night does not stop the later ones
 * @param staleAfter   at start-up, executions still marked running whose last update is older than this are
 *                     recovered (marked FAILED, restartable); with the embedded H2 store every one is, since only
 *                     one process can open it
 * @param shutdownGrace on shutdown, how long running executions get to stop at a safe point
 * @param staleRetryEvery when a nightly run of this process fails because a source is not fresh (error level), it is
 *                        restarted after this long, again and again (as long as the cause is a stale source)…
 * @param staleRetryFor   …until this long after its first failure; {@code 0} disables the retries (the next
 *                        scheduled run or start-up catch-up restarts the night)
 */
@ConfigurationProperties("execkpi.schedule")
public record ScheduleProperties(@DefaultValue("0 30 2 * * *") String nightly, @DefaultValue("3") int catchUpDays,
                                 @DefaultValue("10m") Duration staleAfter, @DefaultValue("30s") Duration shutdownGrace,
                                 @DefaultValue("30m") Duration staleRetryEvery, @DefaultValue("6h") Duration staleRetryFor) {

    public ScheduleProperties {
        if (staleRetryEvery.isNegative() || staleRetryEvery.isZero() || staleRetryFor.isNegative()) {
            throw new IllegalArgumentException("execkpi.schedule.stale-retry-every must be > 0 and"
                    + " execkpi.schedule.stale-retry-for >= 0");
        }
    }

    /** Whether the in-process schedule (and the start-up catch-up) is on: {@code nightly} is not {@code -}. */
    public boolean enabled() {
        return !"-".equals(nightly.strip());
    }
}
