package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.execkpi.web.Formats;

import org.junit.jupiter.api.Test;

/**
 * The verdict sentence of the experiment pages against hand-built evaluation rows: the interval it quotes is the
 * one that decided significance (the adjusted one under a correction), so the sentence never contradicts itself.
 */
class ExperimentVerdictTest {

    private static final String HOLM = ExperimentEvaluator.CONVERSION_METHOD
            + "; holm across every metric × arm pair on the relative lift; risk";
    private static final String NONE = ExperimentEvaluator.RATIO_METHOD + "; "
            + ExperimentEvaluator.GUARDRAIL_NO_CORRECTION + "; risk";

    private final ExperimentPageController page = new ExperimentPageController(null, null, null, new Formats());

    /** A treatment row with the given lift, raw and adjusted intervals (shares) and adjusted p-value. */
    private static AbResult row(String variant, String metric, double lift, double low, double high, double p,
                                double adjustedP, Double adjLow, Double adjHigh, String method, boolean guardrail) {
        return AbResult.builder("exp", variant, metric).primary(metric.equals("conversion"))
                .arm(10_000, null, 0.1, null).test(null, null, p, adjustedP, adjustedP < 0.05)
                .relativeLift(lift, low, high, p).method(0.05, method).srm(null, 0.5, false, 0.001)
                .guardrail(guardrail, false).adjustedRelativeInterval(adjLow, adjHigh).build();
    }

    private static AbResult control(String metric) {
        return AbResult.builder("exp", "A", metric).control(true).primary(metric.equals("conversion"))
                .arm(10_000, null, 0.1, null).method(0.05, HOLM).srm(null, 0.5, false, 0.001).build();
    }

    private static ExperimentReads.Evaluation evaluation(Map<String, List<AbResult>> metrics) {
        return new ExperimentReads.Evaluation("exp", LocalDate.of(2026, 11, 29), 0.05, "conversion",
                new ExperimentReads.Srm(0.1, 0.5, false, 0.001), metrics);
    }

    @Test
    void holmDecidedVerdictQuotesTheAdjustedInterval() {
        // the reviewer's case: raw [+1.3 %, +21.4 %] excludes 0, Holm p 0.0536 > 0.05, adjusted [−0.2 %, +22.9 %]
        AbResult b = row("B", "conversion", 0.114, 0.013, 0.214, 0.0089, 0.0536, -0.002, 0.229, HOLM, false);
        AbResult c = row("C", "conversion", 0.200, 0.090, 0.310, 0.0001, 0.0006, 0.060, 0.340, HOLM, false);
        AbResult d = row("D", "conversion", 0.01, -0.08, 0.10, 0.8, 1.0, null, null, HOLM, false);
        AbResult rb = row("B", "revenue_per_user", 0.02, -0.05, 0.09, 0.5, 1.0, -0.09, 0.13, HOLM, false);
        AbResult rc = row("C", "revenue_per_user", 0.03, -0.04, 0.10, 0.4, 1.0, -0.08, 0.14, HOLM, false);
        AbResult rd = row("D", "revenue_per_user", 0.01, -0.06, 0.08, 0.7, 1.0, -0.1, 0.12, HOLM, false);
        // a guardrail is not corrected: its raw interval decides (p 0.01 < 0.05, interval below 0)
        AbResult g = row("B", "aov", -0.05, -0.09, -0.01, 0.01, 0.01, -0.09, -0.01, NONE, true);
        Map<String, List<AbResult>> metrics = new LinkedHashMap<>();
        metrics.put("conversion", List.of(control("conversion"), b, c, d));
        metrics.put("revenue_per_user", List.of(control("revenue_per_user"), rb, rc, rd));
        metrics.put("aov", List.of(control("aov"), g));
        ExperimentReads.Evaluation e = evaluation(metrics);

        assertThat(page.verdict(e, b)).isEqualTo(
                "B: no significant difference on conversion yet: +11.4 % [−0.2 %, +22.9 %] (Holm-adjusted over 6 "
                        + "comparisons)");
        assertThat(page.verdict(e, c)).isEqualTo(
                "C beats control on conversion: +20.0 % [+6.0 %, +34.0 %] (Holm-adjusted over 6 comparisons)");
        assertThat(page.verdict(e, d)).isEqualTo(
                "D: no significant difference on conversion yet: +1.0 % (interval unbounded, Holm-adjusted over 6 "
                        + "comparisons)");
        assertThat(page.verdict(e, g)).isEqualTo("B is worse than control on aov: −5.0 % [−9.0 %, −1.0 %]");

        for (AbResult r : List.of(b, c, d, rb, rc, rd, g)) {
            String sentence = page.verdict(e, r);
            boolean saysSignificant = !sentence.contains("no significant difference");
            Matcher m = Pattern.compile("\\[([+−±][0-9.]+) %, ([+−±][0-9.]+) %]").matcher(sentence);
            if (m.find()) {
                double low = parse(m.group(1));
                double high = parse(m.group(2));
                assertThat(low > 0 || high < 0).as(sentence).isEqualTo(saysSignificant);
            } else {
                assertThat(saysSignificant).as(sentence).isFalse();
            }
        }
    }

    @Test
    void withoutCorrectionTheRawIntervalIsQuoted() {
        String none = ExperimentEvaluator.CONVERSION_METHOD + "; none across arms on the relative lift; risk";
        AbResult b = row("B", "conversion", 0.114, 0.013, 0.214, 0.0089, 0.0089, 0.013, 0.214, none, false);
        ExperimentReads.Evaluation e = evaluation(Map.of("conversion", List.of(control("conversion"), b)));
        assertThat(page.verdict(e, b)).isEqualTo("B beats control on conversion: +11.4 % [+1.3 %, +21.4 %]");
    }

    private static double parse(String signed) {
        return Double.parseDouble(signed.replace('−', '-').replace("±", ""));
    }
}
