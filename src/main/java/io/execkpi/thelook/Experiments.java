package io.execkpi.thelook;

import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The experiments planted in the generated warehouse, with their known truth.
 *
 * <p>Every registered user who comes back (at least {@link #ASSIGNMENT_DELAY_DAYS} days after signup) takes part in
 * every running experiment: they are assigned at
 * the start of their first session on or after the experiment's start date and at least
 * {@link #ASSIGNMENT_DELAY_DAYS} days after their signup day ({@code assigned_at} = the timestamp of that
 * session's first event), as a shop tests returning customers: the 14 days before the assignment then
 * hold the user's latest visits (mostly after their signup session), whose completed revenue, driven by the
 * user's persistent propensity (see {@link UserProfile}), predicts their revenue after it, which CUPED uses.
 * The variant is drawn from a per-user, per-experiment random stream,
 * independently across experiments. Effects act on the per-session purchase probability of sessions
 * on or after the assignment (never on visits), so "conversion" — an assigned user with at least one
 * {@code Complete} order created at or after {@code assigned_at} — moves by the planted lift.
 */
final class Experiments {

    /**
     * Per-session purchase-probability multipliers. Tuned so that the measured user-level conversion
     * lift (definition above) is about the stated target: user-level conversion saturates for users
     * with many sessions, so the session-level multiplier has to be larger than the target lift.
     */
    // Frequent buyers convert anyway, so the session-level multipliers are well above the user-level lifts, and the
    // lift shrinks as the evaluation horizon grows. Measured with TheLookCalibration (SE ≈ 0.5-0.9 points per run):
    // at 1.125 / 1.18, checkout +7.9 % and +7.9 % over one year at scale 60 (seeds 47, 48) and +6.5 % over three
    // years at scale 15 (seed 42); variant_c +10.4 %, +9.5 %, +11.4 %, +10.4 % over one year (seeds 45-48) and
    // +8.3 % over three years. The multipliers below are those scaled up so that the planted lifts are about met
    // over the three years of the default warehouse (≈ +7.5 % / +9.5 %) and over one year (≈ +9 % / +12 %).
    static final double CHECKOUT_TREATMENT_MULTIPLIER = 1.145; // → ≈ +8 % user-level conversion
    static final double PRICING_VARIANT_C_MULTIPLIER = 1.205;  // → ≈ +10 % user-level conversion
    /** Days after the signup day before a user can be assigned (their first session from then on). */
    static final int ASSIGNMENT_DELAY_DAYS = 14;
    /** Share of recs_srm control assignments that are never logged (7.7 % → delivered ≈ 48/52). */
    static final double SRM_LOST_CONTROL_SHARE = 1.0 / 13.0;

    record Variant(String name, double weight, boolean control, double purchaseMultiplier) {
    }

    record Experiment(int index, String id, String name, String description, int startOffsetDays,
                      List<Variant> variants, double lostShareOfControl) {

        LocalDate startDate(LocalDate warehouseStart) {
            return warehouseStart.plusDays(startOffsetDays);
        }

        /** The variant index for a user, or -1 when the assignment is lost (planted SRM). */
        int draw(long seed, long userId) {
            SplittableRandom r = Rand.stream(seed, Rand.STREAM_USER_EXPERIMENT + index, userId);
            double total = 0;
            for (Variant v : variants) {
                total += v.weight();
            }
            double x = r.nextDouble() * total;
            int chosen = variants.size() - 1;
            double acc = 0;
            for (int i = 0; i < variants.size(); i++) {
                acc += variants.get(i).weight();
                if (x < acc) {
                    chosen = i;
                    break;
                }
            }
            double lost = r.nextDouble();
            if (variants.get(chosen).control() && lost < lostShareOfControl) {
                return -1;
            }
            return chosen;
        }
    }

    static final List<Experiment> ALL = List.of(
        new Experiment(0, "checkout_redesign",
            "Checkout redesign (planted truth: treatment +8% conversion)",
            "One-page checkout. Planted truth: treatment multiplies the per-session purchase probability by "
                + CHECKOUT_TREATMENT_MULTIPLIER + " after assignment, which gives about +8% relative lift in "
                + "user conversion (assigned users with >= 1 Complete order created at or after assigned_at). "
                + "Weights 50/50, no sample-ratio mismatch.",
            28,
            List.of(new Variant("control", 0.5, true, 1.0),
                new Variant("treatment", 0.5, false, CHECKOUT_TREATMENT_MULTIPLIER)),
            0.0),
        new Experiment(1, "homepage_aa",
            "Homepage A/A test (planted truth: no effect)",
            "A/A test: both arms see the same homepage. Planted truth: no effect on any metric, weights 50/50, "
                + "no sample-ratio mismatch. Any significant result is a false positive.",
            35,
            List.of(new Variant("control", 0.5, true, 1.0), new Variant("treatment", 0.5, false, 1.0)),
            0.0),
        new Experiment(2, "pricing_three_arm",
            "Pricing display, three arms (planted truth: variant_b no effect, variant_c +10% conversion)",
            "Three arms with equal weights 1/1/1. Planted truth: variant_b has no effect; variant_c multiplies "
                + "the per-session purchase probability by " + PRICING_VARIANT_C_MULTIPLIER + " after assignment, "
                + "about +10% relative lift in user conversion. No sample-ratio mismatch.",
            42,
            List.of(new Variant("control", 1, true, 1.0), new Variant("variant_b", 1, false, 1.0),
                new Variant("variant_c", 1, false, PRICING_VARIANT_C_MULTIPLIER)),
            0.0),
        new Experiment(3, "recs_srm",
            "Recommendations carousel (planted truth: sample-ratio mismatch, no effect)",
            "Configured 50/50, but a logging bug drops 1 in 13 control assignments (the user is never "
                + "recorded), so delivered shares are about 48/52 control/treatment: a planted sample-ratio "
                + "mismatch. Planted truth: no effect on behaviour; results should be flagged, not trusted.",
            49,
            List.of(new Variant("control", 0.5, true, 1.0), new Variant("treatment", 0.5, false, 1.0)),
            SRM_LOST_CONTROL_SHARE));

    private Experiments() {
    }
}
