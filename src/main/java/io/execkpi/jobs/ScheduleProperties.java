package io.execkpi.jobs;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The nightly schedule and job lifecycle.
 *
 * @param nightly      cron (second minute hour day month weekday) in {@code execkpi.zone} that launches
 *                     nightlyJob for yesterday; {@code -} disables it
 * @param catchUpDays  at start-up, nights missed within this many days up to yesterday are run, oldest first
 * @param staleAfter   at start-up, executions still marked running whose last update is older than this are
 *                     recovered (marked FAILED, restartable); with the embedded H2 store every one is, since only
 *                     one process can open it
 * @param shutdownGrace on shutdown, how long running executions get to stop at a safe point
 */
@ConfigurationProperties("execkpi.schedule")
public record ScheduleProperties(@DefaultValue("0 30 2 * * *") String nightly, @DefaultValue("3") int catchUpDays,
                                 @DefaultValue("10m") Duration staleAfter, @DefaultValue("30s") Duration shutdownGrace) {
}
