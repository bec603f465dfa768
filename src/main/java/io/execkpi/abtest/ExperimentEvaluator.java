package io.execkpi.abtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.abtest.stats.AbStatistics;
import io.execkpi.abtest.stats.ArmsSrmResult;
import io.execkpi.abtest.stats.ConversionArm;
import io.execkpi.abtest.stats.ConversionComparison;
import io.execkpi.abtest.stats.ConversionEvaluation;
import io.execkpi.abtest.stats.EffectStatistics;
import io.execkpi.abtest.stats.Interval;
import io.execkpi.abtest.stats.InvalidExperimentInputException;
import io.execkpi.abtest.stats.MeanArm;
import io.execkpi.abtest.stats.MeanComparison;

/**
 * Turns one date's {@code ab_metrics} rows into evaluation rows: per experiment, SRM over all arms, then each
 * treatment against the control on conversion and on revenue per user. Pure: no I/O.
 */
public final class ExperimentEvaluator {

    static final String CONVERSION_METHOD = "two-proportion z-test (pooled SE); Wald CI (unpooled); delta-method "
            + "relative CI; Holm across arms; Beta(1,1) chance to beat control; MDE at 80% power";
    static final String MEAN_METHOD = "Welch t-test (Welch-Satterthwaite df); t CIs; delta-method relative CI; "
            + "Holm across arms";

    /** One arm's counts as materialized by the ab_metrics KPI. */
    public record ArmMetrics(String experimentId, String variant, boolean isControl, double weight, long users,
                             long converters, double revenueSum, double revenueSumSquares) {
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
        ConversionEvaluation conversion;
        List<MeanComparison> means;
        try {
            conversion = AbStatistics.evaluateConversion(
                    new ConversionArm(control.variant(), control.users(), control.converters()),
                    comparable.stream().map(t -> new ConversionArm(t.variant(), t.users(), t.converters())).toList(),
                    s.alpha(), null, s.srmThreshold());
            means = AbStatistics.evaluateMean(
                    new MeanArm(control.variant(), control.users(), control.revenueSum(), control.revenueSumSquares()),
                    comparable.stream().map(t -> new MeanArm(t.variant(), t.users(), t.revenueSum(),
                            t.revenueSumSquares())).toList(), s.alpha());
        } catch (InvalidExperimentInputException e) {
            return failed(id, arms, s, srm, "not evaluated: " + e.getMessage());
        }
        boolean conversionPrimary = ExperimentSettings.CONVERSION.equals(s.primaryMetric());
        Srm flag = Srm.of(srm, empty);
        List<AbResult> rows = new ArrayList<>();
        rows.add(new AbResult(id, control.variant(), ExperimentSettings.CONVERSION, true, conversionPrimary,
                control.users(), control.converters(), conversion.controlRate(), null, null, null, null, null, false,
                null, null, null, null, null, null, null, null, null, null, s.alpha(), CONVERSION_METHOD,
                flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold(), flag.note()));
        for (ConversionComparison c : conversion.variants()) {
            Interval abs = c.absoluteLift();
            Interval rel = c.relativeLift();
            rows.add(new AbResult(id, c.name(), ExperimentSettings.CONVERSION, false, conversionPrimary, c.users(),
                    c.conversions(), c.rate(), null, c.zScore(), null, c.pValue(), c.adjustedPValue(), c.significant(),
                    abs.estimate(), abs.ciLow(), abs.ciHigh(), abs.pValue(), rel.estimate(), rel.ciLow(), rel.ciHigh(),
                    rel.pValue(), c.chanceToBeatControl(), c.minimumDetectableEffect(), s.alpha(), CONVERSION_METHOD,
                    flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold(), c.note()));
        }
        rows.addAll(emptyArms(id, empty, ExperimentSettings.CONVERSION, conversionPrimary, s, flag, CONVERSION_METHOD));
        double controlMean = control.users() > 0 ? control.revenueSum() / control.users() : 0;
        rows.add(new AbResult(id, control.variant(), ExperimentSettings.REVENUE_PER_USER, true, !conversionPrimary,
                control.users(), null, controlMean, null, null, null, null, null, false, null, null, null, null,
                null, null, null, null, null, null, s.alpha(), MEAN_METHOD, flag.chiSquare(), flag.pValue(),
                flag.flagged(), flag.threshold(), flag.note()));
        for (MeanComparison m : means) {
            Interval abs = m.absoluteLift();
            Interval rel = m.relativeLift();
            rows.add(new AbResult(id, m.name(), ExperimentSettings.REVENUE_PER_USER, false, !conversionPrimary, m.n(),
                    null, m.mean(), m.variance(), m.tStatistic(), m.degreesOfFreedom(), m.pValue(),
                    m.adjustedPValue(), m.significant(), abs.estimate(), abs.ciLow(), abs.ciHigh(), abs.pValue(),
                    rel.estimate(), rel.ciLow(), rel.ciHigh(), rel.pValue(), null, null, s.alpha(), MEAN_METHOD,
                    flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold(), m.note()));
        }
        rows.addAll(emptyArms(id, empty, ExperimentSettings.REVENUE_PER_USER, !conversionPrimary, s, flag,
                MEAN_METHOD));
        return rows;
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
        return empty.stream().map(a -> new AbResult(id, a.variant(), metric, false, primary, 0,
                ExperimentSettings.CONVERSION.equals(metric) ? 0L : null, null, null, null, null, null, null, false,
                null, null, null, null, null, null, null, null, null, null, s.alpha(), method, flag.chiSquare(),
                flag.pValue(), flag.flagged(), flag.threshold(), "arm has 0 users: not compared; sample-ratio "
                        + "mismatch flagged")).toList();
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
            rows.add(new AbResult(id, a.variant(), s.primaryMetric(), a.isControl(), true, a.users(), a.converters(),
                    null, null, null, null, null, null, false, null, null, null, null, null, null, null, null, null,
                    null, s.alpha(), ExperimentSettings.CONVERSION.equals(s.primaryMetric()) ? CONVERSION_METHOD
                    : MEAN_METHOD, flag.chiSquare(), flag.pValue(), flag.flagged(), flag.threshold(), note));
        }
        return rows;
    }
}
