package io.execkpi.abtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.execkpi.abtest.stats.AbStatistics;
import io.execkpi.abtest.stats.ArmsSrmResult;
import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.Difference;
import io.execkpi.abtest.stats.EffectComparison;
import io.execkpi.abtest.stats.EffectOptions;
import io.execkpi.abtest.stats.EffectStatistics;
import io.execkpi.abtest.stats.ExperimentEffects;
import io.execkpi.abtest.stats.InvalidExperimentInputException;
import io.execkpi.abtest.stats.LiftEstimate;
import io.execkpi.abtest.stats.MetricEffects;
import io.execkpi.abtest.stats.MetricInput;
import io.execkpi.abtest.stats.MetricKind;
import io.execkpi.abtest.stats.SufficientStats;
import io.execkpi.web.ApiException;

import tools.jackson.databind.JsonNode;

/**
 * The mean form of {@code POST /api/ab/test} ({@code "metric":"mean"}): arms as sufficient
 * statistics (n, sum, sumSquares and, for CUPED, preSum, preSumSquares, sumProducts on every arm),
 * evaluated by {@link EffectStatistics#evaluate} with the asked difference (default relative),
 * correction (default holm) and, when {@code sequential} is given, gbstats' confidence sequences.
 * Bad input is a 400 whose detail starts with the offending field.
 */
public final class AbMeanTest {

    /** A lift in the asked difference: a share for relative lifts (0.05 = +5 %), metric units for absolute ones. */
    public record Lift(Double estimate, Double ciLow, Double ciHigh, Double pValue, Double adjustedPValue,
                       Double adjustedCiLow, Double adjustedCiHigh, Double standardError, Double degreesOfFreedom,
                       String error) {

        static Lift of(LiftEstimate l) {
            return of(l, null, null, null);
        }

        static Lift of(LiftEstimate l, Double adjustedPValue, Double adjustedCiLow, Double adjustedCiHigh) {
            return l == null ? null : new Lift(l.estimate(), l.ciLow(), l.ciHigh(), l.pValue(), adjustedPValue,
                    adjustedCiLow, adjustedCiHigh, l.standardError(), l.degreesOfFreedom(), l.errorMessage());
        }
    }

    public record Arm(String name, long n, Double mean) {
    }

    public record Variant(String name, long n, Double mean, Lift lift, Double theta, Double varianceReduction,
                          Lift unadjusted, Lift fixedHorizon, Double chanceToWin, Double risk, Double riskControl,
                          boolean significant, String note) {
    }

    public record Sequential(double tuning) {
    }

    public record Answer(String metric, double alpha, String difference, String correction, Sequential sequential,
                         boolean cuped, ArmsSrmResult srm, Arm control, List<Variant> variants) {
    }

    private AbMeanTest() {
    }

    static Answer answer(JsonNode body) {
        try {
            return evaluate(body);
        } catch (InvalidExperimentInputException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static Answer evaluate(JsonNode body) {
        double alpha = body.has("alpha") ? AbTestController.number(body.get("alpha"), "alpha") : 0.05;
        Difference difference = body.hasNonNull("difference")
                ? Difference.parse(text(body.get("difference"), "difference"), "difference") : Difference.RELATIVE;
        Correction correction = body.hasNonNull("correction")
                ? Correction.parse(text(body.get("correction"), "correction"), "correction") : Correction.HOLM;
        Double tuning = sequentialTuning(body.get("sequential"));
        SufficientStats control = arm(body.get("control"), "control", "control");
        JsonNode variantsNode = body.get("variants");
        if (variantsNode == null || !variantsNode.isArray() || variantsNode.isEmpty()) {
            throw ApiException.badRequest("variants: at least one variant is required");
        }
        List<SufficientStats> variants = new ArrayList<>();
        for (int i = 0; i < variantsNode.size(); i++) {
            JsonNode v = variantsNode.get(i);
            String name = v != null && v.hasNonNull("name") ? v.get("name").asString() : "variant_" + (i + 1);
            variants.add(arm(v, name, "variants[" + i + "]"));
        }
        double[] weights = AbTestController.weights(body);
        EffectOptions options = new EffectOptions(alpha, difference, correction, tuning);
        ExperimentEffects e = EffectStatistics.evaluate(
                List.of(new MetricInput("mean", MetricKind.MEAN, control, variants)), weights,
                AbStatistics.DEFAULT_SRM_THRESHOLD, options);
        MetricEffects m = e.metrics().get(0);
        List<Variant> out = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            out.add(variant(m.variants().get(i), variants.get(i)));
        }
        return new Answer("mean", alpha, lower(difference), lower(correction),
                tuning == null ? null : new Sequential(tuning), m.cuped(), e.srm(),
                new Arm(control.name(), control.n(), mean(control)), out);
    }

    private static Variant variant(EffectComparison c, SufficientStats arm) {
        return new Variant(c.name(), c.n(), mean(arm),
                Lift.of(c.lift(), c.adjustedPValue(), c.adjustedCiLow(), c.adjustedCiHigh()), c.theta(),
                c.varianceReduction(), Lift.of(c.unadjusted()), Lift.of(c.fixedHorizon()), c.chanceToWin(), c.risk(),
                c.riskControl(), c.significant(), c.note());
    }

    private static Double mean(SufficientStats arm) {
        return arm.n() == 0 ? null : arm.sum() / arm.n();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Absent, null or false: fixed horizon; true: tuning 5000; an object: its optional "tuning". */
    private static Double sequentialTuning(JsonNode node) {
        if (node == null || node.isNull() || node.isBoolean() && !node.asBoolean()) {
            return null;
        }
        if (node.isBoolean()) {
            return EffectOptions.DEFAULT_SEQUENTIAL_TUNING;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("sequential: must be true, false or an object {\"tuning\": number}, got "
                    + node);
        }
        return node.has("tuning") ? AbTestController.number(node.get("tuning"), "sequential.tuning")
                : EffectOptions.DEFAULT_SEQUENTIAL_TUNING;
    }

    private static String text(JsonNode node, String field) {
        if (!node.isString()) {
            throw ApiException.badRequest(field + ": must be a string, got " + node);
        }
        return node.asString();
    }

    private static SufficientStats arm(JsonNode node, String name, String field) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(field + ": required, an object with n, sum and sumSquares");
        }
        return new SufficientStats(name, AbTestController.count(node.get("n"), field + ".n"),
                AbTestController.number(node.get("sum"), field + ".sum"),
                AbTestController.number(node.get("sumSquares"), field + ".sumSquares"),
                optionalNumber(node, "preSum", field), optionalNumber(node, "preSumSquares", field),
                optionalNumber(node, "sumProducts", field));
    }

    private static Double optionalNumber(JsonNode arm, String key, String field) {
        return arm.hasNonNull(key) ? AbTestController.number(arm.get(key), field + "." + key) : null;
    }
}
