package io.execkpi.thelook;

import java.time.LocalDate;

/**
 * Parameters that define a generated thelook warehouse. The same settings always produce the same rows.
 *
 * @param seed  random seed
 * @param scale volume relative to public thelook over three years (1.0 ≈ 100k users, 125k orders,
 *              180k order items, 2.4M events); must be &gt; 0. Products: {@code 29,120 · max(scale, 0.1)}
 * @param start first generated day (UTC). {@code null} means: the warehouse's recorded start when it
 *              exists, otherwise three years before the first {@code through} date
 */
public record TheLookSettings(long seed, double scale, LocalDate start) {

    public static final long DEFAULT_SEED = 42L;
    public static final double DEFAULT_SCALE = 1.0;

    public TheLookSettings {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("execkpi.thelook.scale must be a positive number, got " + scale);
        }
    }

    /** seed 42, scale 1.0, start = the warehouse's own (or three years before the first generated day). */
    public static TheLookSettings defaults() {
        return new TheLookSettings(DEFAULT_SEED, DEFAULT_SCALE, null);
    }

    /** The default start of a new warehouse generated through {@code through}: three years before it. */
    static LocalDate defaultStart(LocalDate through) {
        return through.minusYears(3);
    }
}
