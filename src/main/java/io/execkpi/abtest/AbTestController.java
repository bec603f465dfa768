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
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

/**
 * Ad-hoc conversion test (nothing stored), the original's {@code POST /ab/test} done right: SRM against the
 * intended weights, pooled z-test, unpooled interval at 1 − alpha, relative lift, Holm across variants.
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

    @Operation(summary = "Ad-hoc conversion test", description = "SRM against the intended weights, pooled two-proportion z-test, unpooled Wald and delta-method intervals at 1 - alpha, Holm across variants, chance to beat control and MDE. 400 naming the field for bad input; 415 unless the body is JSON.")
    @PostMapping(path = "/test", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Answer test(@RequestBody JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object with control and variants");
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
        double[] weights = null;
        if (body.hasNonNull("weights")) {
            JsonNode w = body.get("weights");
            if (!w.isArray()) {
                throw ApiException.badRequest("weights: must be an array of numbers, one per arm (control first)");
            }
            weights = weights(w);
        }
        try {
            ConversionEvaluation e = AbStatistics.evaluateConversion(control, variants, alpha, weights,
                    AbStatistics.DEFAULT_SRM_THRESHOLD);
            return new Answer(e.alpha(), e.srm(), new Control(control.users(), control.conversions(), e.controlRate()),
                    e.variants().stream().map(AbTestController::variant).toList());
        } catch (InvalidExperimentInputException e) {
            throw ApiException.badRequest(e.getMessage());
        }
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
    private static double[] weights(JsonNode w) {
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

    private static long count(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(field + ": required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.badRequest(field + ": must be a whole number, got " + node);
        }
        return node.asLong();
    }

    private static double number(JsonNode node, String field) {
        if (node == null || !node.isNumber()) {
            throw ApiException.badRequest(field + ": must be a number, got " + node);
        }
        return node.asDouble();
    }
}
