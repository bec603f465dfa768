package io.execkpi.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The day every test lives in: the application's {@link Clock} bean in every application a test starts is replaced by
 * {@link #clock()} ({@link FixedClockForTests}), so "today", "yesterday" and the dates derived from them (the
 * generated warehouse's last day, the start-up backfill, the launch bounds, the dashboard's "data as of") never move
 * with the calendar: a test cannot pass or fail because of the day it runs.
 *
 * <p>The clock reads {@link #START} when the test JVM first uses it and then advances with the system clock, so
 * instants stay distinct and ordered (run ids, the read cache's expiry) while the date stays {@link #TODAY} for 14
 * hours in UTC (in any zone from UTC−10 to UTC+13 at the start).
 */
public final class TestClock {

    /** Wednesday 2026-11-25 10:00 UTC. */
    public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    /** {@link #START}'s date in UTC. */
    public static final LocalDate TODAY = LocalDate.ofInstant(START, ZoneOffset.UTC);
    /** The last complete business date (UTC) for the application under test. */
    public static final LocalDate YESTERDAY = TODAY.minusDays(1);

    private static final Clock CLOCK = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), START));

    private TestClock() {
    }

    /** A UTC clock that started at {@link #START} when this class was loaded and ticks like the system clock. */
    public static Clock clock() {
        return CLOCK;
    }
}
