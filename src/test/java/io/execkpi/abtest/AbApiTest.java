package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;

import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/** The experiment endpoints and the ad-hoc test over real HTTP. */
class AbApiTest extends AppTestBase {

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
        assertThat(detail.get("srm").get("threshold").asDouble()).isEqualTo(0.001);
    }

    @Test
    void unknownExperimentOrDateIs404AndABadDateIs400() throws Exception {
        assertThat(get("/api/experiments/nope").statusCode()).isEqualTo(404);
        assertThat(get("/api/experiments/homepage_aa?date=2001-01-01").statusCode()).isEqualTo(404);
        assertThat(get("/api/experiments/homepage_aa?date=01/02/2025").statusCode()).isEqualTo(400);
    }
}
