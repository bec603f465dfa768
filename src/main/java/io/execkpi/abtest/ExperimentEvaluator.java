package io.execkpi.abtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.execkpi.abtest.stats.AbStatistics;
import io.execkpi.abtest.stats.ArmsSrmResult;
import io.execkpi.abtest.stats.ConversionArm;
import io.execkpi.abtest.stats.ConversionComparison;
import io.execkpi.abtest.stats.ConversionEvaluation;
import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.Difference;
import io.execkpi.abtest.stats.EffectComparison;
import io.execkpi.abtest.stats.EffectOptions;
import io.execkpi.abtest.stats.EffectStatistics;
import io.execkpi.abtest.stats.Interval;
import io.execkpi.abtest.stats.InvalidExperimentInputException;
import io.execkpi.abtest.stats.LiftEstimate;
import io.execkpi.abtest.stats.MetricEffects;
import io.execkpi.abtest.stats.MetricInput;
import io.execkpi.abtest.stats.MetricKind;
import io.execkpi.abtest.stats.SufficientStats;

/**
 * Turns one date's {@code ab_metrics} rows into evaluation rows: per experiment, SRM over all configured arms (an arm
 * with 0 users flags it and is stored without numbers; the other arms are still compared), then each treatment
 * against the control on conversion and revenue per user together, as GrowthBook does ({@link
 * EffectStatistics#evaluate}, gbstats' method: conversion as a proportion metric and revenue per user as a mean
 * metric, each with CUPED (θ pooled per comparison; pre-period conversion resp. revenue as covariate) when the
 * settings ask for it, sequential intervals, and the configured correction over every (metric, treatment arm) pair
 * with GrowthBook's adjusted intervals), and on the configured guardrails. A guardrail that is significantly worse
 * than control (uncorrected p &lt; alpha, or the always-valid p when sequential) marks every row of the arm
 * {@code guardrailViolated}, whatever the primary metric says. Pure: no I/O.
 */
public final class ExperimentEvaluator {

    static final String CONVERSION_METHOD = "gbstats: proportion, Welch df; delta-method relative CI; chance to beat "
            + "control from the normal effect posterior; MDE of the two-proportion z-test at 80% power";
    static final String MEAN_METHOD = "gbstats: Welch t-test (Welch-Satterthwaite df); t CIs; delta-method relative CI";
    /** A ratio metric (aov: Σ revenue / Σ completed orders per arm): delta-method variance of the ratio. */
    static final String RATIO_METHOD = "gbstats: ratio metric (Σ numerator / Σ denominator per arm, delta-method "
            + "variance), Welch df; delta-method relative CI";
    /** What the method of a guardrail's rows says about multiple testing: there is none. */
    static final String GUARDRAIL_NO_CORRECTION = "guardrail: not corrected for multiple testing, violated when the "
            + "absolute lift is worse than control at p < alpha";

    /**
     * One arm's counts as materialized by the ab_metrics KPI. The issue-10 columns are null on rows materialized
     * before they existed.
     *
     * @param revenueSum              Σy, y = a user's completed revenue from the assignment on (currency)
     * @param revenueSumSquares       Σy²
     * @param preRevenueSum           Σx, x = the user's completed revenue in the 14 days before the assignment
     * @param preRevenueSumSquares    Σx²
     * @param revenuePreProducts      Σxy
     * @param orders                  orders of any status created from the assignment on
     * @param cancelledReturnedOrders those of them cancelled or returned
     * @param cancelReturnUsers       users with at least one cancelled or returned order
     * @param preConverters           users with a completed order in the 14 days before their assignment (Σx of
     *                                conversion's covariate)
     * @param prePostConverters       those of them who also converted after their assignment (Σxy)
     * @param capped                  the revenue sums with y and x capped at the experiment's 99th percentile, or
     *                                null on rows materialized before they existed
     * @param orderSums               the sums of the average-order-value ratio, or null on rows materialized before
     *                                they existed
     */
    public record ArmMetrics(String experimentId, String variant, boolean isControl, double weight, long users,
                             long converters, double revenueSum, double revenueSumSquares, Double preRevenueSum,
                             Double preRevenueSumSquares, Double revenuePreProducts, Long orders,
                             Long cancelledReturnedOrders, Long cancelReturnUsers, Long preConverters,
                             Long prePostConverters, CappedRevenue capped, OrderSums orderSums) {

        /** An arm without the order sums. */
        public ArmMetrics(String experimentId, String variant, boolean isControl, double weight, long users,
                          long converters, double revenueSum, double revenueSumSquares, Double preRevenueSum,
                          Double preRevenueSumSquares, Double revenuePreProducts, Long orders,
                          Long cancelledReturnedOrders, Long cancelReturnUsers, Long preConverters,
                          Long prePostConverters, CappedRevenue capped) {
            this(experimentId, variant, isControl, weight, users, converters, revenueSum, revenueSumSquares,
                    preRevenueSum, preRevenueSumSquares, revenuePreProducts, orders, cancelledReturnedOrders,
                    cancelReturnUsers, preConverters, prePostConverters, capped, null);
        }

        /** An arm without the capped sums. */
        public ArmMetrics(String experimentId, String variant, boolean isControl, double weight, long users,
                          long converters, double revenueSum, double revenueSumSquares, Double preRevenueSum,
                          Double preRevenueSumSquares, Double revenuePreProducts, Long orders,
                          Long cancelledReturnedOrders, Long cancelReturnUsers, Long preConverters,
                          Long prePostConverters) {
            this(experimentId, variant, isControl, weight, users, converters, revenueSum, revenueSumSquares,
                    preRevenueSum, preRevenueSumSquares, revenuePreProducts, orders, cancelledReturnedOrders,
                    cancelReturnUsers, preConverters, prePostConverters, null);
        }

        /** An arm without conversion's covariate counts. */
        public ArmMetrics(String experimentId, String variant, boolean isControl, double weight, long users,
                          long converters, double revenueSum, double revenueSumSquares, Double preRevenueSum,
                          Double preRevenueSumSquares, Double revenuePreProducts, Long orders,
                          Long cancelledReturnedOrders, Long cancelReturnUsers) {
            this(experimentId, variant, isControl, weight, users, converters, revenueSum, revenueSumSquares,
                    preRevenueSum, preRevenueSumSquares, revenuePreProducts, orders, cancelledReturnedOrders,
                    cancelReturnUsers, null, null, null);
        }

        /** An arm without the covariate sums and guardrail counts. */
        public ArmMetrics(String experimentId, String variant, boolean isControl, double weight, long users,
                          long converters, double revenueSum, double revenueSumSquares) {
            this(experimentId, variant, isControl, weight, users, converters, revenueSum, revenueSumSquares, null,
                    null, null, null, null, null, null, null, null);
        }

        boolean hasCovariate() {
            return preRevenueSum != null && preRevenueSumSquares != null && revenuePreProducts != null;
        }

        boolean hasConversionCovariate() {
            return preConverters != null && prePostConverters != null;
        }
    }

    /**
     * Revenue per user winsorized in the warehouse (sql/&lt;dialect&gt;/ab_metrics.sql): y and the covariate x of
     * every user capped at {@code cap}, the PERCENTILE_CONT(0.99) of y over all the experiment's users (pooled
     * across arms, zeros included) as of the date.
     *
     * @param cap                 the cap, in currency; null when the experiment had no user
     * @param sum                 Σ min(y, cap)
     * @param sumSquares          Σ min(y, cap)²
     * @param preSum              Σ min(x, cap)
     * @param preSumSquares       Σ min(x, cap)²
     * @param preProducts         Σ min(x, cap)·min(y, cap)
     */
    public record CappedRevenue(Double cap, double sum, double sumSquares, double preSum, double preSumSquares,
                                double preProducts) {
    }

    /**
     * Per-user sums of the average order value, a ratio metric (revenue per completed order) whose numerator y is
     * the user's post-assignment completed revenue (Σy, Σy² of the arm) and denominator d their completed orders.
     *
     * @param completedOrders           Σd
     * @param completedOrdersSumSquares Σd²
     * @param revenueOrderProducts      Σ y·d
     */
    public record OrderSums(long completedOrders, long completedOrdersSumSquares, double revenueOrderProducts) {
    }

    private ExperimentEvaluator() {
    }

    public static List<AbResult> evaluate(List<ArmMetrics> metrics, ExperimentSettings settings) {
        Map<String, List<ArmMetrics>> byExperiment = new LinkedHashMap<>();
        metrics.stream().sorted(Comparator.comparing(ArmMetrics::experimentId).thenComparing(ArmMetrics::variant))
                .forEach(m -> byExperiment.computeIfAbsent(m.experimentId(), k -> new ArrayList<>()).add(m));
        List<AbResult> results = new ArrayList<>();
        byExperiment.forEach((id, arms) -> results.addAll(evaluateExperiment(id, arms, settings.forExperiment(id))));
        return results;
    }

    static List<AbResult> evaluateExperiment(String id, List<ArmMetrics> arms, ExperimentSettings.Settings s) {
        ArmMetrics control = arms.stream()
                .filter(a -> s.control() != null ? a.variant().equals(s.control()) : a.isControl())
                .findFirst().orElse(null);
        if (control == null) {
            return failed(id, arms, s, null, "no control arm" + (s.control() != null ? " named '" + s.control() + "'" : ""));
        }
        List<ArmMetrics> treatments = arms.stream().filter(a -> a != control).toList();
        long[] users = new long[arms.size()];
        double[] weights = new double[arms.size()];
        users[0] = control.users();
        weights[0] = weight(control, s);
        for (int i = 0; i < treatments.size(); i++) {
            users[i + 1] = treatments.get(i).users();
            weights[i + 1] = weight(treatments.get(i), s);
        }
        ArmsSrmResult srm;
        try {
            srm = EffectStatistics.sampleRatioMismatchAllArms(users, weights, s.srmThreshold());
        } catch (InvalidExperimentInputException e) {
            return failed(id, arms, s, null, "not evaluated: " + e.getMessage());
        }
        if (control.users() == 0) {
            return failed(id, arms, s, srm, "not evaluated: the control arm has 0 users (flagged as a sample-ratio "
                    + "mismatch)");
        }
        // arms without users cannot be compared: they are stored flagged, the others are compared with control
        List<ArmMetrics> comparable = treatments.stream().filter(t -> t.users() > 0).toList();
        List<ArmMetrics> empty = treatments.stream().filter(t -> t.users() == 0).toList();
        if (comparable.isEmpty()) {
            return failed(id, arms, s, srm, "not evaluated: no treatment arm has users (flagged as a sample-ratio "
                    + "mismatch)");
        }
        boolean conversionPrimary = ExperimentSettings.CONVERSION.equals(s.primaryMetric());
        Srm flag = Srm.of(srm, empty);
        List<AbResult> rows = new ArrayList<>();
        try {
            // the minimum detectable effect of conversion is a planning figure of the z-test (80 % power)
            ConversionEvaluation planning = AbStatistics.evaluateConversion(
                    new ConversionArm(control.variant(), control.users(), control.converters()),
                    comparable.stream().map(t -> new ConversionArm(t.variant(), t.users(), t.converters())).toList(),
                    s.alpha(), null, s.srmThreshold());
            boolean cuped = s.cupedOn() && arms.stream().allMatch(ArmMetrics::hasCovariate);
            boolean cupedConversion = s.cupedOn() && arms.stream().allMatch(ArmMetrics::hasConversionCovariate);
            String stale = " (materialized before they existed: rerun kpiJob): unadjusted analysis";
            boolean capping = s.cappingOn() && arms.stream().allMatch(a -> a.capped() != null);
            Double cap = capping ? control.capped().cap() : null;
            String capNote = !s.cappingOn() ? null : capping
                    ? "revenue capped at the 99th percentile of all the experiment's users (zeros included): "
                            + String.format(java.util.Locale.ROOT, "%.2f", cap == null ? 0.0 : cap)
                    : "capping asked for, but ab_metrics has no capped sums for this date (materialized before they "
                            + "existed: rerun kpiJob): uncapped analysis";
            List<EffectMetric> family = List.of(
                    new EffectMetric(ExperimentSettings.CONVERSION, MetricKind.PROPORTION, conversionPrimary,
                            a -> new SufficientStats(a.variant(), a.users(), a.converters(), a.converters(),
                                    cupedConversion ? (double) a.preConverters() : null,
                                    cupedConversion ? (double) a.preConverters() : null,
                                    cupedConversion ? (double) a.prePostConverters() : null),
                            s.cupedOn() && !cupedConversion ? "CUPED asked for, but ab_metrics has no pre-period "
                                    + "conversion counts for this date" + stale : null,
                            "14-day pre-assignment conversion"),
                    new EffectMetric(ExperimentSettings.REVENUE_PER_USER, MetricKind.MEAN, !conversionPrimary,
                            a -> capping ? new SufficientStats(a.variant(), a.users(), a.capped().sum(),
                                    a.capped().sumSquares(), cuped ? a.capped().preSum() : null,
                                    cuped ? a.capped().preSumSquares() : null, cuped ? a.capped().preProducts() : null)
                                    : new SufficientStats(a.variant(), a.users(), a.revenueSum(), a.revenueSumSquares(),
                                    cuped ? a.preRevenueSum() : null, cuped ? a.preRevenueSumSquares() : null,
                                    cuped ? a.revenuePreProducts() : null),
                            join(s.cupedOn() && !cuped ? "CUPED asked for, but ab_metrics has no pre-period sums for "
                                    + "this date" + stale : null, capNote),
                            "14-day pre-assignment revenue"));
            rows.addAll(effectRows(id, family, 0, control, comparable, s,
                    s.effectOptions(Difference.RELATIVE).correction(), flag));
            // the z-test's minimum detectable effect on the conversion rows
            rows.replaceAll(r -> r.metric().equals(ExperimentSettings.CONVERSION) && !r.isControl()
                    ? r.withMinimumDetectableEffect(planning.variants().stream()
                            .filter(c -> c.name().equals(r.variant())).findFirst()
                            .map(ConversionComparison::minimumDetectableEffect).orElse(null)) : r);
            rows.addAll(emptyArms(id, empty, ExperimentSettings.CONVERSION, conversionPrimary, s, flag,
                    CONVERSION_METHOD));
            rows.addAll(emptyArms(id, empty, ExperimentSettings.REVENUE_PER_USER, !conversionPrimary, s, flag,
                    MEAN_METHOD));
            boolean guardrailsChecked = false;
            for (String guardrail : s.guardrailList()) {
                boolean aov = ExperimentSettings.AOV.equals(guardrail);
                if (!arms.stream().allMatch(a -> aov ? a.orderSums() != null : a.cancelReturnUsers() != null)) {
                    String missing = "guardrail " + guardrail + " not evaluated: ab_metrics has no guardrail counts "
                            + "for this date (materialized before they existed: rerun kpiJob)";
                    rows.replaceAll(x -> x.isControl() ? x.withGuardrail(null, missing) : x);
                    continue;
                }
                guardrailsChecked = true;
                // aov: revenue per completed order, a ratio metric; lower is worse. cancel_return_rate: share of
                // users with a cancelled or returned order; higher is worse
                EffectMetric metric = aov
                        ? new EffectMetric(guardrail, MetricKind.RATIO, false, a -> SufficientStats.ratio(a.variant(),
                                a.users(), a.revenueSum(), a.revenueSumSquares(), a.orderSums().completedOrders(),
                                a.orderSums().completedOrdersSumSquares(), a.orderSums().revenueOrderProducts()),
                                null, null)
                        : new EffectMetric(guardrail, MetricKind.PROPORTION, false,
                                a -> SufficientStats.of(a.variant(), a.users(), a.cancelReturnUsers(),
                                        a.cancelReturnUsers()), null, null);
                List<AbResult> g = effectRows(id, List.of(metric), worse(guardrail), control, comparable, s,
                        Correction.NONE, flag);
                rows.addAll(g);
                for (AbResult r : g) {
                    if (Boolean.TRUE.equals(r.guardrailViolated())) {
                        String reason = "guardrail violated: " + guardrail + " significantly worse than control";
                        rows.replaceAll(x -> x.variant().equals(r.variant()) && x != r ? x.withGuardrail(true, reason)
                                : x);
                    }
                }
            }
            if (guardrailsChecked) {
                // every compared arm has a verdict, on every metric's row
                rows.replaceAll(x -> !x.isControl() && x.users() > 0 && x.guardrailViolated() == null
                        ? x.withGuardrail(false, null) : x);
            }
        } catch (InvalidExperimentInputException e) {
            return failed(id, arms, s, srm, "not evaluated: " + e.getMessage());
        }
        return rows;
    }

    /**
     * One metric of an {@link #effectRows} family.
     *
     * @param covariate what CUPED adjusts with, for the method text; null when never adjusted
     */
    private record EffectMetric(String name, MetricKind kind, boolean primary,
                                java.util.function.Function<ArmMetrics, SufficientStats> stats, String note,
                                String covariate) {
    }

    /**
     * The control row and one row per compared treatment arm of every metric of {@code family}, evaluated together
     * as gbstats and GrowthBook do ({@link EffectStatistics#evaluate}): the reported lift is the relative one, and
     * {@code correction} runs over every (metric, treatment arm) pair of the family, giving each row its adjusted
     * p-value (which decides {@code significant}) and GrowthBook's adjusted interval of the relative lift. The
     * absolute lift is given beside it with its own (uncorrected) interval and p-value. On a guardrail, an arm whose
     * absolute lift goes the worse way ({@code worse} = 1: higher is worse, −1: lower is worse; 0: not a guardrail)
     * with p &lt; alpha is marked violated (no correction: a guardrail is a safety check).
     */
    private static List<AbResult> effectRows(String id, List<EffectMetric> family, int worse,
                                             ArmMetrics control, List<ArmMetrics> treatments,
                                             ExperimentSettings.Settings s, Correction correction, Srm flag) {
        EffectOptions relOptions = withCorrection(s.effectOptions(Difference.RELATIVE), correction);
        EffectOptions absOptions = withCorrection(s.effectOptions(Difference.ABSOLUTE), Correction.NONE);
        List<MetricInput> input = family.stream().map(m -> new MetricInput(m.name(), m.kind(),
                m.stats().apply(control), treatments.stream().map(m.stats()).toList())).toList();
        List<MetricEffects> rel = EffectStatistics.evaluate(input, null, s.srmThreshold(), relOptions).metrics();
        List<MetricEffects> abs = EffectStatistics.evaluate(input, null, s.srmThreshold(), absOptions).metrics();
        Boolean violatedDefault = s.guardrailList().isEmpty() ? null : false;
        boolean guardrail = worse != 0;
        List<AbResult> rows = new ArrayList<>();
        for (int m = 0; m < family.size(); m++) {
            EffectMetric metric = family.get(m);
            MetricKind kind = metric.kind();
            SufficientStats c = input.get(m).control();
            String method = method(kind, c.hasCovariate() ? metric.covariate() : null, relOptions, family.size(),
                    guardrail);
            rows.add(AbResult.builder(id, control.variant(), metric.name()).control(true).primary(metric.primary())
                    .arm(c.n(), kind == MetricKind.PROPORTION ? (long) c.sum() : null,
                            c.n() == 0 ? null : value(kind, c), variance(kind, c))
                    .method(s.alpha(), method)
                    .srm(flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold())
                    .note(join(flag.note(), metric.note()))
                    .guardrail(guardrail, null).build());
            for (int i = 0; i < treatments.size(); i++) {
                SufficientStats arm = input.get(m).variants().get(i);
                EffectComparison r = rel.get(m).variants().get(i);
                EffectComparison a = abs.get(m).variants().get(i);
                LiftEstimate al = a.lift();
                LiftEstimate rl = r.lift();
                LiftEstimate un = r.unadjusted();
                LiftEstimate fixed = r.fixedHorizon();
                LiftEstimate fixedRel = fixed != null ? fixed : rl;
                boolean violated = guardrail && al.defined() && Math.signum(al.estimate()) == worse
                        && al.pValue() < s.alpha();
                AbResult.Builder row = AbResult.builder(id, arm.name(), metric.name()).primary(metric.primary())
                        .arm(arm.n(), kind == MetricKind.PROPORTION ? (long) arm.sum() : null, value(kind, arm),
                                variance(kind, arm))
                        .test(fixedRel.defined() ? fixedRel.estimate() / fixedRel.standardError() : null,
                                fixedRel.degreesOfFreedom(), rl.pValue(), r.adjustedPValue(), r.significant())
                        .absoluteLift(al.estimate(), al.ciLow(), al.ciHigh(), al.pValue())
                        .relativeLift(rl.estimate(), rl.ciLow(), rl.ciHigh(), rl.pValue())
                        .chanceToBeatControl(r.chanceToWin())
                        .method(s.alpha(), method)
                        .srm(flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold())
                        .note(join(join(r.note(), Objects.equals(a.note(), r.note()) ? null : a.note()),
                                metric.note()))
                        .cuped(r.theta(), r.varianceReduction()).risk(r.risk())
                        .guardrail(guardrail, guardrail ? Boolean.valueOf(violated) : violatedDefault)
                        .adjustedRelativeInterval(r.adjustedCiLow(), r.adjustedCiHigh());
                if (un != null) {
                    row.unadjustedRelativeLift(un.estimate(), un.ciLow(), un.ciHigh(), un.pValue());
                }
                if (fixed != null) {
                    row.fixedHorizonRelativeLift(fixed.estimate(), fixed.ciLow(), fixed.ciHigh(), fixed.pValue());
                }
                rows.add(row.build());
            }
        }
        return rows;
    }

    /**
     * Which way a guardrail goes wrong: −1 when lower is worse ({@code aov}), +1 when higher is worse
     * ({@code cancel_return_rate}).
     */
    static int worse(String guardrail) {
        return ExperimentSettings.AOV.equals(guardrail) ? -1 : 1;
    }

    /**
     * A guardrail an arm violates: the arm, the guardrail metric, its relative lift (share) and the p-value of its
     * absolute lift (the uncorrected p that decided the violation).
     */
    public record GuardrailViolation(String variant, String metric, Double relLift, Double pValue) {
    }

    /**
     * The guardrails violated in a set of stored rows (one evaluation of one experiment): every guardrail row of a
     * treatment arm marked {@code guardrailViolated} whose own metric is significantly worse than control (absolute
     * lift the worse way with p &lt; alpha, as decided by the evaluation). The other rows of a violating arm carry the
     * flag too, but name no metric of their own, so they are not listed.
     *
     * @param rows stored rows of one experiment and date, any order
     * @return the violations in the rows' order, empty when none
     */
    public static List<GuardrailViolation> guardrailViolations(java.util.Collection<AbResult> rows) {
        return rows.stream().filter(r -> !r.isControl() && Boolean.TRUE.equals(r.guardrailMetric())
                        && Boolean.TRUE.equals(r.guardrailViolated()) && r.absLift() != null
                        && r.absLiftPValue() != null && Math.signum(r.absLift()) == worse(r.metric())
                        && r.absLiftPValue() < r.alpha())
                .map(r -> new GuardrailViolation(r.variant(), r.metric(), r.relLift(), r.absLiftPValue())).toList();
    }

    private static EffectOptions withCorrection(EffectOptions o, Correction correction) {
        return new EffectOptions(o.alpha(), o.difference(), correction, o.sequentialTuning());
    }

    /** The metric's value of an arm: the mean per user, or Σ numerator / Σ denominator for a ratio (null if 0). */
    private static Double value(MetricKind kind, SufficientStats arm) {
        if (kind == MetricKind.RATIO) {
            return arm.denominatorSum() == 0 ? null : arm.sum() / arm.denominatorSum();
        }
        return arm.sum() / arm.n();
    }

    /**
     * Unadjusted sample variance of the per-user values (gbstats' formulas; for a ratio the delta-method variance per
     * user), null for fewer than 2 users.
     */
    private static Double variance(MetricKind kind, SufficientStats arm) {
        if (arm.n() < 2) {
            return null;
        }
        if (kind == MetricKind.RATIO) {
            return EffectStatistics.ratioVariance(arm);
        }
        if (kind == MetricKind.PROPORTION) {
            double p = arm.sum() / arm.n();
            return p * (1 - p);
        }
        return Math.max(0, (arm.sumSquares() - arm.sum() * arm.sum() / arm.n()) / (arm.n() - 1));
    }

    private static String method(MetricKind kind, String cupedCovariate, EffectOptions o, int metrics,
                                 boolean guardrail) {
        StringBuilder m = new StringBuilder(kind == MetricKind.MEAN ? MEAN_METHOD : kind == MetricKind.RATIO
                ? RATIO_METHOD : "gbstats: proportion, Welch df; delta-method relative CI");
        if (cupedCovariate != null) {
            m.append("; CUPED (θ pooled per comparison, ").append(cupedCovariate).append(')');
        }
        if (o.sequential()) {
            m.append("; sequential (asymptotic confidence sequences, tuning ").append((long) (double) o.sequentialTuning())
                    .append(')');
        }
        if (guardrail) {
            return m.append("; ").append(GUARDRAIL_NO_CORRECTION).append("; risk").toString();
        }
        m.append("; ").append(o.correction().name().toLowerCase(java.util.Locale.ROOT))
                .append(metrics > 1 ? " across every metric × arm pair" : " across arms")
                .append(" on the relative lift; risk");
        return m.toString();
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    private static double weight(ArmMetrics arm, ExperimentSettings.Settings s) {
        Double configured = s.weights() == null ? null : s.weights().get(arm.variant());
        return configured != null ? configured : arm.weight();
    }

    /**
     * The stored SRM verdict: the chi-square test over every configured arm, and flagged when it rejects or when an
     * arm received no users (a broken arm is flagged even when the total is too small for the test).
     */
    private record Srm(Double chiSquare, Double pValue, Boolean flagged, double threshold, String note) {

        static Srm of(ArmsSrmResult r, List<ArmMetrics> empty) {
            return new Srm(r.chiSquare(), r.pValue(), r.mismatch() || r.hasEmptyArm(), r.threshold(),
                    empty.isEmpty() ? null : "arms with 0 users: " + empty.stream().map(ArmMetrics::variant).toList()
                            + " (sample-ratio mismatch flagged)");
        }
    }

    /** Arms with 0 users: stored with their counts, no numbers, and the SRM flag that they raise. */
    private static List<AbResult> emptyArms(String id, List<ArmMetrics> empty, String metric, boolean primary,
                                            ExperimentSettings.Settings s, Srm flag, String method) {
        return empty.stream().map(a -> AbResult.builder(id, a.variant(), metric).primary(primary)
                .arm(0, ExperimentSettings.CONVERSION.equals(metric) ? 0L : null, null, null)
                .method(s.alpha(), method)
                .srm(flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold())
                .note("arm has 0 users: not compared; sample-ratio mismatch flagged").build()).toList();
    }

    /**
     * Arms that cannot be evaluated (no control, an empty control, no treatment with users) are stored with the
     * reason and no lifts; the SRM verdict over all arms is kept when it could be computed ({@code srm} non-null).
     */
    private static List<AbResult> failed(String id, List<ArmMetrics> arms, ExperimentSettings.Settings s,
                                         ArmsSrmResult srm, String note) {
        Srm flag = srm == null ? new Srm(null, null, null, s.srmThreshold(), null) : Srm.of(srm, List.of());
        List<AbResult> rows = new ArrayList<>();
        for (ArmMetrics a : arms) {
            rows.add(AbResult.builder(id, a.variant(), s.primaryMetric()).control(a.isControl()).primary(true)
                    .arm(a.users(), a.converters(), null, null)
                    .method(s.alpha(), ExperimentSettings.CONVERSION.equals(s.primaryMetric()) ? CONVERSION_METHOD
                            : MEAN_METHOD)
                    .srm(flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold())
                    .note(note).build());
        }
        return rows;
    }
}
