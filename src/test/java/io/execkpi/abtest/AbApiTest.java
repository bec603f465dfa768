package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.support.AppTestBase;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/** The experiment endpoints and the ad-hoc test over real HTTP. */
class AbApiTest extends AppTestBase {

    @Autowired
    WarehouseConfiguration.WarehouseConnection warehouse;
    @Autowired
    ExperimentSettings settings;

    @Test
    void adHocTestAnswersThePublishedValues() throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"alpha\":0.05,\"weights\":[1,1],\"control\":{\"users\":1000,\"conversions\":120},"
                        + "\"variants\":[{\"name\":\"B\",\"users\":980,\"conversions\":150}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("alpha").asDouble()).isEqualTo(0.05);
        assertThat(body.get("srm").get("pValue").asDouble()).isCloseTo(0.653095, within(1e-6));
        assertThat(body.get("srm").get("mismatch").asBoolean()).isFalse();
        assertThat(body.get("srm").get("threshold").asDouble()).isEqualTo(0.001);
        assertThat(body.get("control").get("rate").asDouble()).isCloseTo(0.12, within(1e-12));
        JsonNode b = body.get("variants").get(0);
        assertThat(b.get("name").asString()).isEqualTo("B");
        assertThat(b.get("zScore").asDouble()).isCloseTo(2.143308, within(1e-6));
        assertThat(b.get("pValue").asDouble()).isCloseTo(0.032088, within(1e-6));
        assertThat(b.get("adjustedPValue").asDouble()).isCloseTo(0.032088, within(1e-6));
        assertThat(b.get("significant").asBoolean()).isTrue();
        assertThat(b.get("absoluteLift").get("estimate").asDouble()).isCloseTo(0.033061, within(1e-6));
        assertThat(b.get("absoluteLift").get("ciLow").asDouble()).isCloseTo(0.002832, within(1e-6));
        assertThat(b.get("absoluteLift").get("ciHigh").asDouble()).isCloseTo(0.063290, within(1e-6));
        assertThat(b.get("relativeLift").get("estimate").asDouble()).isCloseTo(0.033061 / 0.12, within(1e-5));
        assertThat(b.get("chanceToBeatControl").asDouble()).isBetween(0.95, 1.0);
        assertThat(b.get("minimumDetectableEffect").asDouble()).isPositive();
    }

    @Test
    void alphaAndWeightsAreOptional() throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"control\":{\"users\":5000,\"conversions\":100},\"variants\":[{\"users\":5100,\"conversions\":100}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("alpha").asDouble()).isEqualTo(0.05);
        assertThat(body.get("srm").get("pValue").asDouble()).isCloseTo(0.3197, within(1e-4));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"control\":{\"users\":0,\"conversions\":0},\"variants\":[{\"users\":10,\"conversions\":1}]}|control.users",
            "{\"control\":{\"users\":10,\"conversions\":-1},\"variants\":[{\"users\":10,\"conversions\":1}]}|control.conversions",
            "{\"control\":{\"users\":10,\"conversions\":1},\"variants\":[{\"users\":10,\"conversions\":11}]}|variants[0].conversions",
            "{\"control\":{\"users\":10.5,\"conversions\":1},\"variants\":[{\"users\":10,\"conversions\":1}]}|control.users",
            "{\"alpha\":0.6,\"control\":{\"users\":10,\"conversions\":1},\"variants\":[{\"users\":10,\"conversions\":1}]}|alpha",
            "{\"alpha\":0,\"control\":{\"users\":10,\"conversions\":1},\"variants\":[{\"users\":10,\"conversions\":1}]}|alpha",
            "{\"weights\":[1,1,1],\"control\":{\"users\":10,\"conversions\":1},\"variants\":[{\"users\":10,\"conversions\":1}]}|weights",
            "{\"weights\":[1,0],\"control\":{\"users\":10,\"conversions\":1},\"variants\":[{\"users\":10,\"conversions\":1}]}|weights",
            "{\"control\":{\"users\":10,\"conversions\":1},\"variants\":[]}|variants",
            "{\"control\":{\"users\":10,\"conversions\":1}}|variants",
            "{\"variants\":[{\"users\":10,\"conversions\":1}]}|control",
            "not json|",
    })
    void badInputIsA400NamingTheField(String body, String field) throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        if (field != null && !field.isEmpty()) {
            assertThat(json.readTree(response.body()).get("detail").asString()).startsWith(field);
        }
    }

    @Test
    void moreThanTwentyVariantsIsRejected() throws Exception {
        StringBuilder variants = new StringBuilder();
        for (int i = 0; i < 21; i++) {
            variants.append(i == 0 ? "" : ",").append("{\"name\":\"v").append(i).append("\",\"users\":10,\"conversions\":1}");
        }
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"control\":{\"users\":10,\"conversions\":1},\"variants\":[" + variants + "]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("detail").asString()).startsWith("variants");
    }

    private static final String CUPED_ARMS = "\"control\":{\"name\":\"A\",\"n\":2500,\"sum\":250497.94,"
            + "\"sumSquares\":27356496.0848,\"preSum\":250604.62,\"preSumSquares\":27389429.4528,"
            + "\"sumProducts\":27266078.6263},\"variants\":[{\"name\":\"B\",\"n\":2600,\"sum\":261108.32,"
            + "\"sumSquares\":28560742.8998,\"preSum\":257071.17,\"preSumSquares\":27728012.7803,"
            + "\"sumProducts\":28025944.9375}]";

    private static void close(JsonNode node, double expected) {
        assertThat(node.asDouble()).isCloseTo(expected, within(Math.abs(expected) * 1e-6));
    }

    @Test
    void meanFormWithCupedAnswersTheGbstatsValues() throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"metric\":\"mean\",\"alpha\":0.05," + CUPED_ARMS + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("metric").asString()).isEqualTo("mean");
        assertThat(body.get("difference").asString()).isEqualTo("relative");
        assertThat(body.get("correction").asString()).isEqualTo("holm");
        assertThat(body.get("sequential").isNull()).isTrue();
        assertThat(body.get("cuped").asBoolean()).isTrue();
        JsonNode b = body.get("variants").get(0);
        close(b.get("theta"), 0.95270382);
        close(b.get("lift").get("estimate"), 0.015276629);
        close(b.get("lift").get("ciLow"), 0.010214372);
        close(b.get("lift").get("ciHigh"), 0.020338886);
        close(b.get("lift").get("pValue"), 3.5119896e-09);
        close(b.get("lift").get("adjustedPValue"), 3.5119896e-09);
        assertThat(b.get("lift").get("standardError").asDouble()).isPositive();
        assertThat(b.get("lift").get("degreesOfFreedom").asDouble()).isGreaterThan(5000);
        close(b.get("unadjusted").get("estimate"), 0.0022664949);
        close(b.get("unadjusted").get("ciLow"), -0.014207400);
        close(b.get("unadjusted").get("pValue"), 0.78738818);
        assertThat(b.get("varianceReduction").asDouble()).isBetween(0.9, 1.0);
        assertThat(b.get("significant").asBoolean()).isTrue();
        assertThat(b.get("risk").asDouble()).isBetween(0.0, 1e-9);
        assertThat(b.get("chanceToWin").asDouble()).isGreaterThan(0.999);
        assertThat(b.get("fixedHorizon").isNull()).isTrue();
    }

    @Test
    void meanFormSequentialKeepsTheFixedHorizonResult() throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"metric\":\"mean\",\"sequential\":{\"tuning\":1000},"
                        + "\"control\":{\"n\":3000,\"sum\":1396.87,\"sumSquares\":52377.9767},"
                        + "\"variants\":[{\"name\":\"B\",\"n\":3461,\"sum\":2422.7,\"sumSquares\":134698.29}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("sequential").get("tuning").asDouble()).isEqualTo(1000);
        assertThat(body.get("cuped").asBoolean()).isFalse();
        JsonNode b = body.get("variants").get(0);
        close(b.get("lift").get("estimate"), 0.50336109);
        close(b.get("lift").get("ciLow"), -0.55844051);
        close(b.get("lift").get("ciHigh"), 1.5651627);
        close(b.get("fixedHorizon").get("ciLow"), -0.15024480);
        close(b.get("fixedHorizon").get("ciHigh"), 1.1569670);
        close(b.get("fixedHorizon").get("pValue"), 0.13116526);
        assertThat(b.get("theta").isNull()).isTrue();
        assertThat(b.get("unadjusted").isNull()).isTrue();
    }

    @Test
    void meanFormBenjaminiHochbergAndAnEmptyArm() throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"metric\":\"mean\",\"correction\":\"bh\",\"control\":{\"n\":2000,\"sum\":20000,"
                        + "\"sumSquares\":260000},\"variants\":[{\"name\":\"B\",\"n\":2000,\"sum\":20900,"
                        + "\"sumSquares\":280000},{\"name\":\"C\",\"n\":2000,\"sum\":20300,\"sumSquares\":265000}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode b = json.readTree(response.body()).get("variants").get(0);
        close(b.get("lift").get("pValue"), 0.011652061);
        close(b.get("lift").get("adjustedPValue"), 0.023304122);
        close(b.get("lift").get("adjustedCiLow"), 0.0061188847);
        close(b.get("lift").get("adjustedCiHigh"), 0.083881115);

        HttpResponse<String> empty = post("/api/ab/test", "application/json",
                "{\"metric\":\"mean\",\"control\":{\"n\":2000,\"sum\":20000,\"sumSquares\":260000},"
                        + "\"variants\":[{\"name\":\"B\",\"n\":2000,\"sum\":20900,\"sumSquares\":280000},"
                        + "{\"name\":\"C\",\"n\":0,\"sum\":0,\"sumSquares\":0}]}");
        assertThat(empty.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(empty.body());
        assertThat(body.get("srm").get("mismatch").asBoolean()).isTrue();
        assertThat(body.get("srm").get("emptyArms").get(0).asInt()).isEqualTo(2);
        assertThat(body.get("variants").get(0).get("lift").get("estimate").asDouble()).isCloseTo(0.045, within(1e-12));
        JsonNode c = body.get("variants").get(1);
        assertThat(c.get("lift").get("estimate").isNull()).isTrue();
        assertThat(c.get("lift").get("error").asString()).isEqualTo("ZERO_NEGATIVE_VARIANCE");
        assertThat(c.get("note").asString()).contains("0 users");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"metric\":\"median\",\"control\":{\"users\":10,\"conversions\":1},\"variants\":[]}|metric",
            "{\"metric\":\"mean\",\"control\":{\"n\":-1,\"sum\":0,\"sumSquares\":0},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|control.n",
            "{\"metric\":\"mean\",\"control\":{\"n\":10,\"sum\":5},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|control.sumSquares",
            "{\"metric\":\"mean\",\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":1},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|control.sumSquares",
            "{\"metric\":\"mean\",\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":5,\"preSum\":4,\"preSumSquares\":4,\"sumProducts\":2},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|variants[0].preSum",
            "{\"metric\":\"mean\",\"correction\":\"bonferroni\",\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":5},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|correction",
            "{\"metric\":\"mean\",\"difference\":\"ratio\",\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":5},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|difference",
            "{\"metric\":\"mean\",\"sequential\":{\"tuning\":0},\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":5},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|sequential.tuning",
            "{\"metric\":\"mean\",\"alpha\":0.6,\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":5},\"variants\":[{\"n\":10,\"sum\":5,\"sumSquares\":5}]}|alpha",
            "{\"metric\":\"mean\",\"control\":{\"n\":10,\"sum\":5,\"sumSquares\":5},\"variants\":[]}|variants",
    })
    void meanFormBadInputIsA400NamingTheField(String body, String field) throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("detail").asString()).startsWith(field);
    }

    @Test
    void conversionFormCanBeNamedExplicitly() throws Exception {
        HttpResponse<String> response = post("/api/ab/test", "application/json",
                "{\"metric\":\"conversion\",\"control\":{\"users\":5000,\"conversions\":100},"
                        + "\"variants\":[{\"users\":5100,\"conversions\":100}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).get("srm").get("pValue").asDouble()).isCloseTo(0.3197, within(1e-4));
    }

    @Test
    void experimentsAreListedWithTheirLatestEvaluation() throws Exception {
        HttpResponse<String> response = get("/api/experiments");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode list = json.readTree(response.body());
        assertThat(list.findValuesAsString("experiment")).contains("checkout_redesign", "homepage_aa",
                "pricing_three_arm", "recs_srm");
        for (JsonNode e : list) {
            assertThat(e.get("latestEvaluationDate").asString()).isEqualTo(YESTERDAY.toString());
            assertThat(e.get("arms").size()).isGreaterThanOrEqualTo(2);
        }
        JsonNode detail = json.readTree(get("/api/experiments/pricing_three_arm").body());
        assertThat(detail.get("date").asString()).isEqualTo(YESTERDAY.toString());
        assertThat(detail.get("metrics").get("conversion").size()).isEqualTo(3);
        assertThat(detail.get("metrics").get("revenue_per_user").size()).isEqualTo(3);
        // CUPED is on in jobs/experiments.yml: the treatment rows carry θ, the variance reduction and the unadjusted
        // lift, or (this small warehouse has no revenue in the pre-period) the note of gbstats' fallback
        for (JsonNode arm : detail.get("metrics").get("revenue_per_user")) {
            assertThat(arm.has("theta") && arm.has("varianceReduction") && arm.has("unadjustedRelLift")
                    && arm.has("fixedRelLift") && arm.has("guardrailViolated")).as(arm.toString()).isTrue();
            if (!arm.get("isControl").asBoolean()) {
                assertThat(arm.get("risk").isNumber()).as(arm.toString()).isTrue();
                assertThat(arm.get("theta").isNumber() || arm.get("note").asString().contains("CUPED coefficient is 0"))
                        .as(arm.toString()).isTrue();
            }
        }
        assertThat(detail.get("srm").get("threshold").asDouble()).isEqualTo(0.001);
        // the page renders the CUPED column of revenue per user
        HttpResponse<String> page = get("/experiments/pricing_three_arm");
        assertThat(page.statusCode()).isEqualTo(200);
        boolean cuped = false;
        for (JsonNode arm : detail.get("metrics").get("revenue_per_user")) {
            cuped |= arm.get("unadjustedRelLift").isNumber();
        }
        String revenue = section(page.body(), "metric-revenue_per_user");
        assertThat(revenue).contains("Adjusted p", "corrected over");
        assertThat(revenue.contains("Without CUPED")).as("CUPED column iff unadjusted lifts stored").isEqualTo(cuped);
        // aov is a ratio per completed order and a guardrail: labelled per order, its stored method says ratio and
        // no correction, once, and no "corrected over every metric × arm pair" note contradicts it
        String aov = section(page.body(), "metric-aov");
        assertThat(aov).contains("Mean per order", "gbstats: ratio metric").doesNotContain("Mean per user")
                .doesNotContain("proportion").doesNotContain("corrected over").doesNotContain("Adjusted p");
        assertThat(aov.split("not corrected for multiple testing", -1)).hasSize(2);
    }

    /** The experiment page's section of one metric table. */
    private static String section(String html, String id) {
        int start = html.indexOf("id=\"" + id + "\"");
        assertThat(start).as(id).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }

    @Test
    void unknownExperimentOrDateIs404AndABadDateIs400() throws Exception {
        assertThat(get("/api/experiments/nope").statusCode()).isEqualTo(404);
        assertThat(get("/api/experiments/homepage_aa?date=2001-01-01").statusCode()).isEqualTo(404);
        assertThat(get("/api/experiments/homepage_aa?date=01/02/2025").statusCode()).isEqualTo(400);
    }

    /**
     * Results by traffic source: each segment value's arms against a direct count over the raw warehouse tables (one
     * row per assigned user with their completed revenue from the assignment to the end of the date; not the running
     * sums of ab_segments), and the absolute conversion lift as the difference of those raw rates.
     */
    @Test
    void resultsBySegmentMatchTheRawTablesAndSayTheyAreExploratory() throws Exception {
        HttpResponse<String> response = get("/api/experiments/pricing_three_arm?segment=traffic_source");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("segment").asString()).isEqualTo("traffic_source");
        assertThat(body.get("date").asString()).isEqualTo(YESTERDAY.toString());
        assertThat(body.get("note").asString()).contains("exploratory", "no correction is applied across segment values");
        Map<String, long[]> raw = new HashMap<>();
        Map<String, Double> revenue = new HashMap<>();
        new JdbcTemplate(warehouse.dataSource()).query("""
                SELECT COALESCE(u.traffic_source, '(unknown)') AS v, a.variant, a.user_id,
                       (SELECT SUM(oi.sale_price) FROM orders o JOIN order_items oi ON oi.order_id = o.order_id
                        WHERE o.user_id = a.user_id AND o.status = 'Complete' AND o.created_at >= a.assigned_at
                          AND o.created_at < CAST(? AS TIMESTAMP)) AS y
                FROM assignments a LEFT JOIN users u ON u.id = a.user_id
                WHERE a.experiment_id = 'pricing_three_arm' AND a.assigned_at < CAST(? AS TIMESTAMP)
                """, rs -> {
            String key = rs.getString("v") + "/" + rs.getString("variant");
            long[] counts = raw.computeIfAbsent(key, k -> new long[2]);
            counts[0]++;
            double y = rs.getDouble("y");
            if (!rs.wasNull()) {
                counts[1]++;
                revenue.merge(key, y, Double::sum);
            }
        }, YESTERDAY.plusDays(1) + " 00:00:00", YESTERDAY.plusDays(1) + " 00:00:00");
        assertThat(raw).isNotEmpty();
        int arms = 0;
        int lifts = 0;
        for (JsonNode segment : body.get("segments")) {
            String value = segment.get("value").asString();
            long segmentUsers = 0;
            JsonNode conversion = segment.get("metrics").get("conversion");
            double controlRate = Double.NaN;
            long treatmentUsers = 0;
            for (JsonNode arm : conversion) {
                long[] counts = raw.getOrDefault(value + "/" + arm.get("variant").asString(), new long[2]);
                assertThat(arm.get("users").asLong()).as(value + " " + arm).isEqualTo(counts[0]);
                assertThat(arm.get("conversions").asLong()).as(value + " " + arm).isEqualTo(counts[1]);
                segmentUsers += counts[0];
                arms++;
                if (arm.get("isControl").asBoolean()) {
                    controlRate = (double) counts[1] / counts[0];
                } else {
                    treatmentUsers += counts[0];
                }
            }
            for (JsonNode arm : conversion) {
                long[] counts = raw.getOrDefault(value + "/" + arm.get("variant").asString(), new long[2]);
                if (!arm.get("isControl").asBoolean() && counts[0] > 0 && arm.get("absLift").isNumber()) {
                    assertThat(arm.get("absLift").asDouble()).as(value + " " + arm)
                            .isCloseTo((double) counts[1] / counts[0] - controlRate, within(1e-12));
                    lifts++;
                }
            }
            // a value whose control or every treatment arm has no user is not compared: conversion rows only, with a note
            boolean comparable = controlRate >= 0 && treatmentUsers > 0;
            if (!comparable) {
                assertThat(conversion.get(0).get("note").asString()).as(value).startsWith("not evaluated");
            }
            assertThat(segment.get("metrics").has("revenue_per_user")).as(value + " " + segment).isEqualTo(comparable);
            for (JsonNode arm : segment.get("metrics").path("revenue_per_user")) {
                String key = value + "/" + arm.get("variant").asString();
                long users = raw.getOrDefault(key, new long[2])[0];
                if (users > 0) {
                    assertThat(arm.get("meanValue").asDouble()).as(key)
                            .isCloseTo(revenue.getOrDefault(key, 0.0) / users, within(1e-6));
                }
            }
            assertThat(segment.get("users").asLong()).isEqualTo(segmentUsers);
        }
        // every (value, arm) with an assigned user is answered, and lifts were compared
        assertThat(arms).isGreaterThanOrEqualTo(raw.size());
        assertThat(lifts).isPositive();
    }

    @Test
    void anUnknownSegmentIsA400NamingTheParameter() throws Exception {
        HttpResponse<String> response = get("/api/experiments/pricing_three_arm?segment=device");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json.readTree(response.body()).get("detail").asString()).contains("'segment'", "traffic_source");
        // countries: at most the top 20 and 'other'
        JsonNode countries = json.readTree(get("/api/experiments/pricing_three_arm?segment=country").body());
        assertThat(countries.get("segments").size()).isBetween(1, 21);
    }

    /**
     * segments in jobs/experiments.yml: the shipped file reads homepage_aa by traffic_source and browser only, so
     * country is a 400 problem detail naming the parameter, the experiment and its segments there, and not elsewhere.
     */
    @Test
    void aSegmentNotConfiguredForTheExperimentIsA400() throws Exception {
        assertThat(settings.forExperiment("homepage_aa").segmentList()).containsExactly("traffic_source", "browser");
        HttpResponse<String> response = get("/api/experiments/homepage_aa?segment=country");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json.readTree(response.body()).get("detail").asString())
                .contains("'segment'", "'homepage_aa'", "[traffic_source, browser]", "'country'");
        assertThat(get("/api/experiments/homepage_aa?segment=browser").statusCode()).isEqualTo(200);
        assertThat(get("/api/experiments/checkout_redesign?segment=country").statusCode()).isEqualTo(200);
    }

    /**
     * correction=holm: every treatment row's p-value of every segment value corrected together, checked against
     * Holm's step-down computed here (sorted ascending, the j-th (1-based) of m times m - j + 1, running maximum,
     * capped at 1).
     */
    @Test
    void aCorrectionAcrossSegmentsIsAppliedOnlyWhenAsked() throws Exception {
        JsonNode plain = json.readTree(get("/api/experiments/checkout_redesign?segment=browser").body());
        for (JsonNode segment : plain.get("segments")) {
            assertThat(segment.get("acrossSegmentsAdjustedPValues").isNull()).isTrue();
        }
        HttpResponse<String> response = get("/api/experiments/checkout_redesign?segment=browser&correction=holm");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("note").asString()).contains("exploratory", "holm");
        List<double[]> pairs = new ArrayList<>(); // {raw p, adjusted p}
        for (JsonNode segment : body.get("segments")) {
            for (Map.Entry<String, JsonNode> metric : segment.get("metrics").properties()) {
                for (JsonNode arm : metric.getValue()) {
                    if (!arm.get("isControl").asBoolean() && arm.get("pValue").isNumber()) {
                        pairs.add(new double[] {arm.get("pValue").asDouble(), segment.get("acrossSegmentsAdjustedPValues")
                                .get(metric.getKey()).get(arm.get("variant").asString()).asDouble()});
                    }
                }
            }
        }
        assertThat(pairs).hasSizeGreaterThan(2);
        pairs.sort(java.util.Comparator.comparingDouble(p -> p[0]));
        int m = pairs.size();
        double running = 0;
        for (int j = 0; j < m; j++) {
            running = Math.max(running, Math.min(1.0, (m - j) * pairs.get(j)[0]));
            assertThat(pairs.get(j)[1]).as("rank " + j + " of " + m).isCloseTo(running, within(1e-12));
        }
        HttpResponse<String> bad = get("/api/experiments/checkout_redesign?segment=browser&correction=bonferroni");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("detail").asString()).contains("'correction'");
        assertThat(get("/api/experiments/checkout_redesign?correction=holm").statusCode()).isEqualTo(400);
    }
}
