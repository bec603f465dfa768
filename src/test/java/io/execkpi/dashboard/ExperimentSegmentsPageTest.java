package io.execkpi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.LocalDate;

import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;

/**
 * The experiment page's "By segment" section over real HTTP on the generated warehouse: the selector offers the
 * experiment's {@code segments} of {@code jobs/experiments.yml}, the chosen attribute's values show the numbers of
 * {@code GET /api/experiments/{key}?segment=} (whose values AbApiTest checks against the raw tables), and a date
 * without ab_segments rows (kpiJob keeps them for the last 7 business dates) is said so on the page and answered 404
 * by the API, while the default reads the latest as-of date that has rows.
 */
class ExperimentSegmentsPageTest extends AppTestBase {

    @Autowired
    JdbcTemplate jdbc;

    /**
     * Default attribute: the experiment's first (traffic_source); for every segment value and treatment arm the page
     * shows the API's users, conversion rate, relative lift with its interval and p-value, formatted here from the
     * API's JSON (percent with one decimal rounded half-even as java.text does, a true minus sign).
     */
    @Test
    void thePageShowsTheApisNumbersForTheChosenAttribute() throws Exception {
        HttpResponse<String> response = get("/experiments/pricing_three_arm");
        assertThat(response.statusCode()).isEqualTo(200);
        String section = section(response.body(), "id=\"segments\"");
        assertThat(section).contains("By segment", "segment=traffic_source#segments", "segment=country#segments",
                        "segment=browser#segments")
                .contains("Segment results are exploratory", "no correction is applied across segment values");
        assertThat(section).containsPattern("class=\"current\"[^>]*>traffic source</a>");

        JsonNode api = json.readTree(get("/api/experiments/pricing_three_arm?segment=traffic_source").body());
        assertThat(section).contains("As of <strong>" + api.get("date").asString() + "</strong>");
        assertThat(section.split("data-segment-value=", -1)).hasSize(api.get("segments").size() + 1);
        int lifts = 0;
        for (JsonNode value : api.get("segments")) {
            String table = section(section, "data-segment-value=\"" + value.get("value").asString() + "\"");
            assertThat(table).contains(integer(value.get("users").asLong()) + " users");
            for (JsonNode arm : value.get("metrics").get("conversion")) {
                String row = row(table, arm.get("variant").asString());
                assertThat(row).contains(">" + integer(arm.get("users").asLong()) + "<",
                        ">" + percent(arm.get("meanValue").asDouble()) + "<");
                if (!arm.get("isControl").asBoolean() && arm.get("relLift").isNumber()) {
                    assertThat(row).contains(">" + signed(arm.get("relLift").asDouble()) + " ["
                            + signed(arm.get("relLiftLow").asDouble()) + ", "
                            + signed(arm.get("relLiftHigh").asDouble()) + "]<", ">" + pValue(arm.get("pValue")
                            .asDouble()) + "<");
                    lifts++;
                }
            }
        }
        assertThat(lifts).isPositive();

        // another attribute: its link is the current one, its values the API's; the date form keeps it
        String browserPage = get("/experiments/pricing_three_arm?segment=browser").body();
        assertThat(browserPage).contains("<input type=\"hidden\" name=\"segment\" value=\"browser\">");
        assertThat(response.body()).doesNotContain("name=\"segment\"");
        String browser = section(browserPage, "id=\"segments\"");
        assertThat(browser).containsPattern("class=\"current\"[^>]*>browser</a>");
        JsonNode browsers = json.readTree(get("/api/experiments/pricing_three_arm?segment=browser").body());
        browsers.get("segments").forEach(v -> assertThat(browser)
                .contains("data-segment-value=\"" + v.get("value").asString() + "\""));
    }

    /** homepage_aa is read by traffic_source and browser only (jobs/experiments.yml): no country link, country 400. */
    @Test
    void onlyTheExperimentsSegmentsAreOffered() throws Exception {
        String section = section(get("/experiments/homepage_aa").body(), "id=\"segments\"");
        assertThat(section).contains("segment=traffic_source#segments", "segment=browser#segments")
                .doesNotContain("segment=country");
        HttpResponse<String> country = get("/experiments/homepage_aa?segment=country");
        assertThat(country.statusCode()).isEqualTo(400);
        assertThat(country.body()).contains("segments of experiment &#39;homepage_aa&#39;");
    }

    /**
     * With homepage_aa's ab_segments rows of yesterday set aside (as kpiJob's retention does to old dates): the API
     * and the page read the day before by default, and asking for yesterday is a 404 naming the latest date with rows
     * on the API, a note on the page.
     */
    @Test
    void aDateWithoutSegmentRowsIsSaidSoAndTheDefaultIsTheLatestWithRows() throws Exception {
        LocalDate before = YESTERDAY.minusDays(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM kpi_ab_segments WHERE experiment_id = 'homepage_aa'"
                + " AND as_of_date = ?", Long.class, before)).isPositive();
        jdbc.execute("DROP TABLE IF EXISTS segments_aside");
        jdbc.update("CREATE TABLE segments_aside AS SELECT * FROM kpi_ab_segments WHERE experiment_id = 'homepage_aa'"
                + " AND as_of_date = ?", YESTERDAY);
        try {
            assertThat(jdbc.update("DELETE FROM kpi_ab_segments WHERE experiment_id = 'homepage_aa'"
                    + " AND as_of_date = ?", YESTERDAY)).isPositive();
            JsonNode latest = json.readTree(get("/api/experiments/homepage_aa?segment=browser").body());
            assertThat(latest.get("date").asString()).isEqualTo(before.toString());
            HttpResponse<String> asked = get("/api/experiments/homepage_aa?segment=browser&date=" + YESTERDAY);
            assertThat(asked.statusCode()).isEqualTo(404);
            assertThat(asked.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(json.readTree(asked.body()).get("detail").asString()).contains("no browser segment results for "
                    + YESTERDAY, "last 7 business dates", "the latest is " + before);

            String page = section(get("/experiments/homepage_aa?segment=browser").body(), "id=\"segments\"");
            assertThat(page).contains("As of <strong>" + before + "</strong>",
                    "the latest as-of date with segment results");
            HttpResponse<String> dated = get("/experiments/homepage_aa?segment=browser&date=" + YESTERDAY);
            assertThat(dated.statusCode()).isEqualTo(200);
            assertThat(section(dated.body(), "id=\"segments\"")).contains("id=\"segments-missing\"",
                    "no browser segment results for " + YESTERDAY, "/experiments/homepage_aa?segment=browser#segments")
                    .doesNotContain("data-segment-value=");
        } finally {
            jdbc.update("DELETE FROM kpi_ab_segments WHERE experiment_id = 'homepage_aa' AND as_of_date = ?",
                    YESTERDAY);
            jdbc.update("INSERT INTO kpi_ab_segments SELECT * FROM segments_aside");
            jdbc.execute("DROP TABLE segments_aside");
        }
        assertThat(json.readTree(get("/api/experiments/homepage_aa?segment=browser").body()).get("date").asString())
                .isEqualTo(YESTERDAY.toString());
    }

    /** The HTML from the element holding {@code marker} to the end of its section or table. */
    private static String section(String html, String marker) {
        int start = html.indexOf(marker);
        assertThat(start).as(marker).isNotNegative();
        int end = html.indexOf(marker.startsWith("id=") ? "</section>" : "</table>", start);
        return html.substring(start, end);
    }

    /** The table row of an arm. */
    private static String row(String table, String variant) {
        int start = table.indexOf("<span>" + variant + "</span>");
        assertThat(start).as(variant).isNotNegative();
        return table.substring(start, table.indexOf("</tr>", start));
    }

    private static String integer(long n) {
        return String.format(java.util.Locale.US, "%,d", n);
    }

    private static String percent(double share) {
        return new BigDecimal(share * 100).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + " %";
    }

    private static String signed(double share) {
        String digits = new BigDecimal(Math.abs(share) * 100).setScale(1, RoundingMode.HALF_EVEN).toPlainString();
        return (share > 0 ? "+" : share < 0 ? "−" : "±") + digits + " %";
    }

    private static String pValue(double p) {
        return p < 1e-4 ? "&lt; 0.0001" : new BigDecimal(p).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }
}
