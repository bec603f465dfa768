package io.execkpi.thelook;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A registered user: every attribute is a pure function of (seed, user id, created_at), drawn from
 * per-user random streams. A top-up run therefore rebuilds each user from {@code users.id} and
 * {@code users.created_at} alone, including the pre-sampled visit schedule and experiment variants.
 *
 * <p>Persistent propensity, drawn once per user: a latent score {@code eta = source effect + age effect + 0.7·z},
 * z ~ N(0, 1), and a frailty F ~ Gamma(shape {@value #FRAILTY_SHAPE}, mean 1). The daily return rate is
 * {@code RETURN_RATE · exp(0.9·eta) · F}, the per-session purchase probability is multiplied by
 * {@code exp(0.6·eta) · F^0.7} (by {@code exp(0.6·eta)} alone in the signup session: many sign up to buy once) and the
 * expected lifetime by {@code exp(0.4·eta) · F^0.5}. The gamma frailty is the
 * heterogeneity of the Pareto/NBD and BG/NBD customer-base models (Schmittlein, Morrison and Colombo 1987; Fader,
 * Hardie and Lee 2005, whose fit to the CDNOW purchase data has a gamma shape of 0.24): most users rarely come back,
 * a few come back often and buy at most visits, for as long as they stay, so past visits and orders predict future
 * ones (what CUPED uses; as in real shops a tenth of the users bring most of the revenue). Each user also has a
 * persistent share of settled orders that they keep, {@link #completeShare} ~ Uniform(0, 1), as some customers
 * return or cancel much more than others (see {@code Simulation}). Observable correlates of eta:
 * users.traffic_source (Email and Organic high, Display and Facebook low), age (25–49 high, under 20 low).
 */
final class UserProfile {

    // ---- visit-process constants (calibrated for public-thelook-like totals, see TheLookGenerator) ----
    /** Base daily return rate right after signup, before the propensity factors. */
    static final double RETURN_RATE = 0.034;
    /** Retention decay: rate(a) = RATE · (FLOOR + (1 − FLOOR) · exp(−a / TAU)), a = days since signup. */
    static final double DECAY_FLOOR = 0.12;
    static final double DECAY_TAU_DAYS = 30;
    /** Mean lifetime (days after signup with any chance of returning) before the propensity factors. */
    static final double LIFETIME_MEAN_DAYS = 420;
    /** Shape of the lifetime's gamma distribution (1 would be exponential; 3 makes it less of a lottery). */
    static final double LIFETIME_SHAPE = 3;
    /** Shape of the frailty's gamma distribution (mean 1, variance 1 / shape = 4). */
    static final double FRAILTY_SHAPE = 0.25;
    /** Exponents of the frailty in the per-session purchase probability and in the expected lifetime. */
    static final double FRAILTY_PURCHASE_EXPONENT = 0.7;
    static final double FRAILTY_LIFETIME_EXPONENT = 0.5;

    final long id;
    final long signupDay;        // epoch day of created_at
    /** Epoch second (UTC) of the signup session's first event; may move earlier within the same day. */
    long createdAtSecond;
    final char gender;
    final int age;
    final String trafficSource;
    final String firstName;
    final String lastName;
    final String email;
    final Catalog.Place place;
    final String postalCode;
    final String streetAddress;
    final double latitude;
    final double longitude;
    final String browser;
    final double eta;
    /** Gamma(FRAILTY_SHAPE) with mean 1: multiplies the visit rate, and (as powers) purchase and lifetime. */
    final double frailty;
    /** Probability that a settled order (Complete, Cancelled or Returned) of this user is Complete; mean 0.5. */
    final double completeShare;
    final double visitRate;
    final double purchaseMultiplier;
    /** The purchase multiplier of the signup session: {@code exp(0.6·eta)}, without the frailty. */
    final double signupPurchaseMultiplier;
    /** Variant index per experiment (index as in {@link Experiments#ALL}); -1 = assignment lost. */
    final int[] variants;
    /**
     * Epoch day of the latest session generated so far (mutable simulation state). {@link Simulation} keeps it per user
     * between visits and rebuilds the profile for each visit, so state kept only in a profile is lost after the day.
     */
    long lastSessionDay = Long.MIN_VALUE;

    UserProfile(long seed, long id, long createdAtSecond) {
        this.id = id;
        this.createdAtSecond = createdAtSecond;
        this.signupDay = Math.floorDiv(createdAtSecond, 86_400L);
        SplittableRandom r = Rand.stream(seed, Rand.STREAM_USER_ATTRIBUTES, id);
        gender = r.nextDouble() < 0.5 ? 'F' : 'M';
        age = 12 + r.nextInt(59); // 12..70 as in public thelook
        trafficSource = Catalog.USER_SOURCES[Rand.pick(r, Catalog.USER_SOURCE_CUM)];
        firstName = gender == 'F' ? Catalog.FEMALE_NAMES[r.nextInt(Catalog.FEMALE_NAMES.length)]
            : Catalog.MALE_NAMES[r.nextInt(Catalog.MALE_NAMES.length)];
        lastName = Catalog.LAST_NAMES[r.nextInt(Catalog.LAST_NAMES.length)];
        email = firstName.toLowerCase(Locale.ROOT) + "." + lastName.toLowerCase(Locale.ROOT) + id + "@"
            + Catalog.EMAIL_DOMAINS[r.nextInt(Catalog.EMAIL_DOMAINS.length)];
        place = Catalog.PLACES[Rand.pick(r, Catalog.PLACE_CUM)];
        postalCode = Catalog.postalCode(r, place.postal());
        streetAddress = (1 + r.nextInt(9999)) + " " + Catalog.STREETS[r.nextInt(Catalog.STREETS.length)] + " "
            + Catalog.STREET_SUFFIXES[r.nextInt(Catalog.STREET_SUFFIXES.length)];
        latitude = StrictMath.round((place.latitude() + (r.nextDouble() - 0.5) * 0.4) * 1e5) / 1e5;
        longitude = StrictMath.round((place.longitude() + (r.nextDouble() - 0.5) * 0.4) * 1e5) / 1e5;
        browser = Catalog.BROWSERS[Rand.pick(r, Catalog.BROWSER_CUM)];
        double z = Rand.gaussian(r);
        eta = sourceEffect(trafficSource) + ageEffect(age) + 0.7 * z;
        completeShare = r.nextDouble();
        frailty = Rand.gammaMeanOne(r, FRAILTY_SHAPE);
        visitRate = RETURN_RATE * StrictMath.exp(0.9 * eta) * frailty;
        purchaseMultiplier = StrictMath.exp(0.6 * eta) * StrictMath.pow(frailty, FRAILTY_PURCHASE_EXPONENT);
        signupPurchaseMultiplier = StrictMath.exp(0.6 * eta);
        List<Experiments.Experiment> all = Experiments.ALL;
        variants = new int[all.size()];
        for (int i = 0; i < variants.length; i++) {
            variants[i] = all.get(i).draw(seed, id);
        }
    }

    static double sourceEffect(String source) {
        return switch (source) {
            case "Email" -> 0.45;
            case "Organic" -> 0.25;
            case "Facebook" -> -0.2;
            case "Display" -> -0.35;
            default -> 0.0; // Search
        };
    }

    static double ageEffect(int age) {
        if (age < 20) {
            return -0.25;
        }
        if (age >= 25 && age < 50) {
            return 0.15;
        }
        if (age >= 60) {
            return -0.1;
        }
        return 0.0;
    }

    /**
     * Epoch days of this user's returning visits after the signup day, up to {@code horizonDay}
     * inclusive (at most one per day). The draws do not depend on the horizon, so a longer horizon
     * only extends the list: generating day by day gives the same schedule as generating at once.
     * Sampled by thinning a rate bounded by {@code visitRate · max seasonality}; none when the rate is 0 (a frailty
     * that underflowed).
     */
    long[] visits(long seed, long horizonDay) {
        if (horizonDay <= signupDay) {
            return new long[0];
        }
        SplittableRandom r = Rand.stream(seed, Rand.STREAM_USER_VISITS, id);
        double lifetime = Rand.gammaMeanOne(r, LIFETIME_SHAPE) * LIFETIME_MEAN_DAYS * StrictMath.exp(0.4 * eta)
            * StrictMath.pow(frailty, FRAILTY_LIFETIME_EXPONENT);
        double bound = visitRate * Seasonality.MAX_FACTOR;
        long[] out = new long[8];
        int n = 0;
        long day = signupDay;
        while (true) {
            double gap = Rand.exponential(r, 1.0 / bound); // +Infinity for a rate of 0
            if (!(gap < horizonDay - day)) {
                break;
            }
            day += 1 + (long) gap;
            if (day > horizonDay) {
                break;
            }
            long age = day - signupDay;
            if (age > lifetime) {
                break;
            }
            double accept = (DECAY_FLOOR + (1 - DECAY_FLOOR) * StrictMath.exp(-age / DECAY_TAU_DAYS))
                * Seasonality.factor(day) / Seasonality.MAX_FACTOR;
            if (r.nextDouble() < accept) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = day;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
