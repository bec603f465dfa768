package io.execkpi.abtest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.execkpi.abtest.stats.AbStatistics;
import io.execkpi.abtest.stats.ConversionArm;
import io.execkpi.abtest.stats.ConversionComparison;
import io.execkpi.abtest.stats.ConversionEvaluation;
import io.execkpi.abtest.stats.Interval;
import io.execkpi.abtest.stats.InvalidExperimentInputException;
import io.execkpi.abtest.stats.SrmResult;
import io.execkpi.web.ApiException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

/**
 * Ad-hoc A/B test (nothing stored). The conversion form (no {@code metric}, or {@code "metric":"conversion"}) is
 * the original's {@code POST /ab/test} done right: SRM against the intended weights, pooled z-test, unpooled
 * interval at 1 − alpha, relative lift, Holm across variants. The mean form ({@code "metric":"mean"}, see
 * {@link AbMeanTest}) takes sufficient statistics per arm and answers GrowthBook-style lifts: CUPED when every arm
 * has pre-period fields, Holm or Benjamini–Hochberg adjusted p-values and intervals, sequential intervals.
 */
@RestController
@Tag(name = "A/B test", description = "Ad-hoc A/B statistics (nothing stored)")
@RequestMapping("/api/ab")
public class AbTestController {

    static final int MAX_NAME_LENGTH = 100;
    static final double MIN_WEIGHT_SHARE = 1e-6;

    public record Lift(Double estimate, Double ciLow, Double ciHigh) {
        static Lift of(Interval i) {
            return new Lift(i.estimate(), i.ciLow(), i.ciHigh());
        }
    }

    public record Control(long users, long conversions, double rate) {
    }

    public record Variant(String name, long users, long conversions, double rate, Double zScore, Double pValue,
                          Double adjustedPValue, boolean significant, Lift absoluteLift, Lift relativeLift,
                          Double chanceToBeatControl, Double minimumDetectableEffect, String note) {
    }

    public record Answer(double alpha, SrmResult srm, Control control, List<Variant> variants) {
    }

    @Operation(summary = "Ad-hoc A/B test (conversion or mean)", description = "Conversion form (default): SRM against the intended weights, pooled two-proportion z-test, unpooled Wald and delta-method intervals at 1 - alpha, Holm across variants, chance to beat control and MDE. Mean form (\"metric\":\"mean\", n/sum/sumSquares per arm, optional preSum/preSumSquares/sumProducts on every arm for CUPED, difference relative|absolute, correction holm|bh|none, sequential {tuning}): gbstats lifts with CUPED, sequential intervals, adjusted p-values and intervals, risk and chance to win, SRM over every arm. 400 naming the field for bad input; 415 unless the body is JSON.")
    @ApiResponse(responseCode = "200", description = "The evaluation", content = @Content(schema = @Schema(
            oneOf = {Answer.class, AbMeanTest.Answer.class})))
    @PostMapping(path = "/test", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Object test(@RequestBody JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object with control and variants");
        }
        if (body.hasNonNull("metric")) {
            JsonNode metricNode = body.get("metric");
            String metric = metricNode.isString() ? metricNode.asString() : metricNode.toString();
            if ("mean".equals(metric)) {
                return AbMeanTest.answer(body);
            }
            if (!"conversion".equals(metric)) {
                throw ApiException.badRequest("metric: must be 'conversion' or 'mean', was " + metric);
            }
        }
        double alpha = body.has("alpha") ? number(body.get("alpha"), "alpha") : 0.05;
        ConversionArm control = arm(body.get("control"), "control", "control");
        JsonNode variantsNode = body.get("variants");
        if (variantsNode == null || !variantsNode.isArray() || variantsNode.isEmpty()) {
            throw ApiException.badRequest("variants: at least one variant is required");
        }
        List<ConversionArm> variants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variantsNode.size(); i++) {
            JsonNode v = variantsNode.get(i);
            String name = name(v, i);
            if (!names.add(name)) {
                throw ApiException.badRequest("variants[" + i + "].name: duplicate variant name '" + name + "'");
            }
            variants.add(arm(v, name, "variants[" + i + "]"));
        }
        double[] weights = weights(body);
        try {
            ConversionEvaluation e = AbStatistics.evaluateConversion(control, variants, alpha, weights,
                    AbStatistics.DEFAULT_SRM_THRESHOLD);
            return new Answer(e.alpha(), e.srm(), new Control(control.users(), control.conversions(), e.controlRate()),
                    e.variants().stream().map(AbTestController::variant).toList());
        } catch (InvalidExperimentInputException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The optional "weights" array of a request, or null. */
    static double[] weights(JsonNode body) {
        if (!body.hasNonNull("weights")) {
            return null;
        }
        JsonNode w = body.get("weights");
        if (!w.isArray()) {
            throw ApiException.badRequest("weights: must be an array of numbers, one per arm (control first)");
        }
        return scaled(w);
    }

    private static Variant variant(ConversionComparison c) {
        return new Variant(c.name(), c.users(), c.conversions(), c.rate(), c.zScore(), c.pValue(), c.adjustedPValue(),
                c.significant(), Lift.of(c.absoluteLift()), Lift.of(c.relativeLift()), c.chanceToBeatControl(),
                c.minimumDetectableEffect(), c.note());
    }

    private static String name(JsonNode variant, int i) {
        if (variant == null || !variant.hasNonNull("name")) {
            return "variant_" + (i + 1);
        }
        JsonNode name = variant.get("name");
        if (!name.isString() || name.asString().isBlank() || name.asString().length() > MAX_NAME_LENGTH) {
            throw ApiException.badRequest("variants[" + i + "].name: must be a non-blank string of at most "
                    + MAX_NAME_LENGTH + " characters, got " + shown(name));
        }
        return name.asString();
    }

    /**
     * The intended allocation, scaled so that the largest weight is 1 (only proportions matter, and huge weights
     * would overflow their sum); a weight below {@link #MIN_WEIGHT_SHARE} of the largest describes no testable
     * allocation (its expected count underflows) and is refused.
     */
    /** Positive finite weights scaled so that the largest is 1; a weight under a millionth of it is refused. */
    private static double[] scaled(JsonNode w) {
        double[] weights = new double[w.size()];
        double largest = 0;
        for (int i = 0; i < w.size(); i++) {
            weights[i] = number(w.get(i), "weights[" + i + "]");
            if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
                throw ApiException.badRequest("weights[" + i + "]: must be a positive finite number, got " + w.get(i));
            }
            largest = Math.max(largest, weights[i]);
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= largest;
            if (weights[i] < MIN_WEIGHT_SHARE) {
                throw ApiException.badRequest("weights[" + i + "]: " + w.get(i) + " is less than a millionth of the "
                        + "largest weight; give the intended allocation in comparable numbers, e.g. [50, 50]");
            }
        }
        return weights;
    }

    private static String shown(JsonNode node) {
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    private static ConversionArm arm(JsonNode node, String name, String field) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(field + ": required, an object with users and conversions");
        }
        return new ConversionArm(name, count(node.get("users"), field + ".users"),
                count(node.get("conversions"), field + ".conversions"));
    }

    static long count(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(field + ": required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.badRequest(field + ": must be a whole number, got " + node);
        }
        return node.asLong();
    }

    static double number(JsonNode node, String field) {
        if (node == null || !node.isNumber()) {
            throw ApiException.badRequest(field + ": must be a number, got " + node);
        }
        return node.asDouble();
    }
}
