package io.execkpi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.List;

import io.execkpi.abtest.AbResult;
import io.execkpi.abtest.AbResultsRepository;
import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A stored evaluation whose arm B violates the aov guardrail shows up, with the arm and the metric, in the overview's
 * "experiments needing attention", on the {@code /experiments} list and on its experiment page, over real HTTP against
 * the real store; under a sample-ratio mismatch the same violation is no decision: SRM is shown first and the
 * guardrail tag only as "guardrail violated (untrustworthy: SRM)".
 */
class GuardrailAttentionPageTest extends AppTestBase {

    private static final String EXPERIMENT = "guardrail_probe";
    /** A date no generated warehouse reaches, so replacing it removes no other test's rows. */
    private static final LocalDate DATE = LocalDate.of(2001, 1, 1);

    @Autowired
    AbResultsRepository results;
    @Autowired
    JdbcTemplate jdbc;

    private static final String SRM_EXPERIMENT = "guardrail_probe_srm";

    private static AbResult row(String variant, String metric, boolean control, boolean guardrail, Double absLift,
                                Double absP, Double relLift, Boolean violated) {
        return row(EXPERIMENT, false, variant, metric, control, guardrail, absLift, absP, relLift, violated);
    }

    private static AbResult row(String experiment, boolean srm, String variant, String metric, boolean control,
                                boolean guardrail, Double absLift, Double absP, Double relLift, Boolean violated) {
        return AbResult.builder(experiment, variant, metric).control(control).primary(metric.equals("conversion"))
                .arm(5_000, null, 0.1, null).test(null, null, absP, absP, false)
                .absoluteLift(absLift, null, null, absP).relativeLift(relLift, null, null, absP)
                .method(0.05, "test rows").srm(srm ? 20.0 : 1.0, srm ? 1e-5 : 0.3, srm, 0.001)
                .guardrail(guardrail, violated).build();
    }

    @Test
    void violatedGuardrailIsListedWithArmAndMetric() throws Exception {
        List<AbResult> rows = List.of(
                // the same violation under a sample-ratio mismatch: the mismatch supersedes it, as every verdict
                row(SRM_EXPERIMENT, true, "A", "conversion", true, false, null, null, null, null),
                row(SRM_EXPERIMENT, true, "B", "conversion", false, false, 0.002, 0.60, 0.02, true),
                row(SRM_EXPERIMENT, true, "A", "aov", true, true, null, null, null, null),
                row(SRM_EXPERIMENT, true, "B", "aov", false, true, -2.5, 0.01, -0.05, true),
                row("A", "conversion", true, false, null, null, null, null),
                // B's conversion is not significant; the flag of its aov violation is copied onto it
                row("B", "conversion", false, false, 0.002, 0.60, 0.02, true),
                row("A", "aov", true, true, null, null, null, null),
                // aov: lower is worse; −2.50 per order, p 0.0100 < 0.05: violated
                row("B", "aov", false, true, -2.5, 0.01, -0.05, true),
                row("A", "cancel_return_rate", true, true, null, null, null, null),
                // cancel/return rate went down (better), carries B's flag but is not itself a violation
                row("B", "cancel_return_rate", false, true, -0.001, 0.60, -0.01, true));
        results.replace(DATE, rows, 0L);
        try {
            HttpResponse<String> overview = get("/");
            assertThat(overview.statusCode()).isEqualTo(200);
            String attention = section(overview.body(), "id=\"attention\"");
            assertThat(attention).contains(EXPERIMENT)
                    .contains("Guardrail violated: B is significantly worse than control on aov (−5.0 %, p 0.0100)")
                    .doesNotContain("cancel return rate").doesNotContain("No experiment needs attention");
            assertThat(attention.split("Guardrail violated", -1)).as("only the experiment without SRM").hasSize(2);
            String srmEntry = attention.substring(attention.indexOf(SRM_EXPERIMENT + "</a>"));
            assertThat(srmEntry.substring(0, srmEntry.indexOf("</li>")))
                    .contains("Sample ratio mismatch (p &lt; 0.0001)", "guardrail violated (untrustworthy: SRM)");

            HttpResponse<String> list = get("/experiments");
            assertThat(list.statusCode()).isEqualTo(200);
            String item = section(list.body(), "data-experiment=\"" + EXPERIMENT + "\"");
            assertThat(item).contains("guardrail violated")
                    .contains("B violates guardrail aov: −5.0 % vs control (p 0.0100)")
                    .doesNotContain("violates guardrail cancel return rate");
            assertThat(item).doesNotContain("untrustworthy").doesNotContain("sample ratio mismatch");
            String srmItem = section(list.body(), "data-experiment=\"" + SRM_EXPERIMENT + "\"");
            assertThat(srmItem).contains("mismatch").doesNotContain("violates guardrail")
                    .doesNotContain(">guardrail violated<").contains(">guardrail violated (untrustworthy: SRM)<");
            // SRM first: the status column names the mismatch before the qualified guardrail tag
            assertThat(srmItem.indexOf(">sample ratio mismatch<")).isNotNegative()
                    .isLessThan(srmItem.indexOf("untrustworthy: SRM"));

            // the experiment page: B's guardrail rows carry the plain tag without SRM, the qualified one under SRM
            String page = get("/experiments/" + EXPERIMENT).body();
            assertThat(page).contains(">guardrail violated<").doesNotContain("untrustworthy");
            HttpResponse<String> srmPage = get("/experiments/" + SRM_EXPERIMENT);
            assertThat(srmPage.statusCode()).isEqualTo(200);
            assertThat(srmPage.body()).doesNotContain(">guardrail violated<")
                    .contains(">guardrail violated (untrustworthy: SRM)<");
            assertThat(srmPage.body().indexOf("id=\"srm-warning\"")).isNotNegative()
                    .isLessThan(srmPage.body().indexOf("untrustworthy: SRM"));
            // no ab_segments row for these made-up experiments: the segment section says so instead of failing
            assertThat(section(srmPage.body(), "id=\"segments\"")).contains("id=\"segments-missing\"",
                    "has no traffic_source segment results");
        } finally {
            jdbc.update("DELETE FROM ab_results WHERE experiment_id IN (?, ?)", EXPERIMENT, SRM_EXPERIMENT);
        }
    }

    /** The HTML from the element holding {@code marker} to its closing section/row. */
    private static String section(String html, String marker) {
        int start = html.indexOf(marker);
        assertThat(start).as(marker).isNotNegative();
        int end = html.indexOf(marker.startsWith("id=") ? "</section>" : "</tr>", start);
        return html.substring(start, end);
    }
}
