package io.execkpi.thelook;

/**
 * Traffic multipliers by calendar day (UTC): a weekly pattern (busy Sundays and Mondays, quiet
 * midweek) times a mild yearly wave peaking in late November. Both average to about 1.
 */
final class Seasonality {

    /** Monday .. Sunday. */
    static final double[] WEEKDAY = {1.10, 0.92, 0.88, 0.90, 0.96, 1.06, 1.18};
    static final double YEARLY_AMPLITUDE = 0.08;
    /** Epoch day of 2000-11-25, the phase of the yearly peak. */
    private static final long YEARLY_PEAK_EPOCH_DAY = 11_286;
    static final double MAX_FACTOR = 1.18 * (1 + YEARLY_AMPLITUDE);

    private Seasonality() {
    }

    static int weekdayIndex(long epochDay) {
        return (int) Math.floorMod(epochDay + 3, 7L); // 1970-01-01 was a Thursday
    }

    static double factor(long epochDay) {
        return WEEKDAY[weekdayIndex(epochDay)] * yearly(epochDay);
    }

    static double yearly(long epochDay) {
        double years = (epochDay - YEARLY_PEAK_EPOCH_DAY) / 365.2425;
        return 1 + YEARLY_AMPLITUDE * StrictMath.cos(2 * StrictMath.PI * years);
    }

    /**
     * Long-run growth of new users and anonymous traffic: linear from 0.55 to 1.45 over the first three
     * years (mean 1.0), then on up to a plateau of 1.9.
     */
    static double growth(long daysSinceStart) {
        return 0.55 + 0.9 * Math.min(Math.max(daysSinceStart, 0), 1643) / 1095.0;
    }
}
