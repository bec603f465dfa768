package io.execkpi.abtest.stats;

/**
 * One arm of a conversion metric: how many users were exposed and how many of them converted.
 *
 * @param name        arm name, unique within the experiment
 * @param users       exposed users, &gt; 0
 * @param conversions converted users, 0 ≤ conversions ≤ users
 */
public record ConversionArm(String name, long users, long conversions) {

    /** Observed conversion rate {@code conversions / users}. */
    public double rate() {
        return (double) conversions / users;
    }
}
