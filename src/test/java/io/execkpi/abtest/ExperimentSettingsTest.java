package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.execkpi.abtest.stats.Correction;
import io.execkpi.abtest.stats.Difference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;

/** {@code jobs/experiments.yml} bound by Spring Boot's binder with Bean Validation. */
class ExperimentSettingsTest {

    static ExperimentSettings load(String yaml) {
        return ExperimentSettings.load(new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Each bad value is rejected with its full key in the message (and the value), wherever it is: defaults or an
     * experiment whose key has underscores.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "defaults: {alpha: 0.7}|defaults.alpha must be in (0, 0.5]|0.7",
            "defaults: {alpha: 0}|defaults.alpha must be in (0, 0.5]|0",
            "defaults: {srm-threshold: 1}|defaults.srm-threshold must be in (0, 1)|1",
            "defaults: {primary-metric: clicks}|defaults.primary-metric must be conversion or revenue_per_user|clicks",
            "experiments: {pricing_three_arm: {capping: {enabled: true, percentile: 1.5}}}"
                    + "|experiments[pricing_three_arm].capping.percentile must be 0.99|1.5",
            "experiments: {x: {capping: {percentile: 0.95}}}|experiments[x].capping.percentile must be 0.99|0.95",
            "experiments: {x: {capping: {ignore-zeros: true}}}|experiments[x].capping.ignore-zeros is not supported|true",
            "experiments: {x: {cuped: {window-days: 7}}}|experiments[x].cuped.window-days must be 14|7",
            "experiments: {my_exp: {correction: bonferroni}}|experiments[my_exp].correction must be holm, bh or none"
                    + "|bonferroni",
            "defaults: {sequential: {enabled: true, tuning: 0}}|defaults.sequential.tuning must be > 0|0",
            "defaults: {guardrails: [aov, revenue_per_order]}|defaults.guardrails[1] is an unknown guardrail"
                    + "|revenue_per_order",
            "experiments: {x: {weights: {A: 1, variant_b: -1}}}|experiments[x].weights[variant_b] must be > 0|-1",
            "experiments: {pricing_three_arm: {segments: [traffic_source, device]}}"
                    + "|experiments[pricing_three_arm].segments[1] is an unknown segment attribute; known: "
                    + "traffic_source, country, browser|device",
            "defaults: {segments: [Country]}|defaults.segments[0] is an unknown segment attribute|Country",
    })
    void badValueIsNamedByItsKey(String yaml, String message, String value) {
        assertThatIllegalStateException().isThrownBy(() -> load(yaml))
                .withMessageStartingWith("experiments.yml: ")
                .withMessageContaining(message)
                .withMessageContaining("(value " + value);
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatIllegalStateException().isThrownBy(() -> load("defaults: {alpah: 0.05}"))
                .withMessageContaining("unknown setting defaults.alpah");
        assertThatIllegalStateException().isThrownBy(() -> load("experiments: {x: {cuped: {window: 14}}}"))
                .withMessageContaining("unknown setting experiments[x].cuped.window");
        assertThatIllegalStateException().isThrownBy(() -> load("segmentz: [country]"))
                .withMessageContaining("unknown setting segmentz");
    }

    /**
     * segments: every attribute ab_segments materializes by default (the built-in value), the defaults' list for an
     * experiment without its own, the experiment's own list (in its order) otherwise, and an empty list for none.
     */
    @Test
    void segmentsDefaultToEveryAttributeAndAreOverriddenPerExperiment() {
        assertThat(load("defaults: {alpha: 0.05}").forExperiment("any").segmentList())
                .containsExactly("traffic_source", "country", "browser");
        ExperimentSettings s = load("""
                defaults: {segments: [country, traffic_source]}
                experiments:
                  home_page_AA: {segments: [browser, traffic_source, browser]}
                  no_segments: {segments: []}
                  other_setting: {alpha: 0.1}
                """);
        assertThat(s.forExperiment("home_page_AA").segmentList()).containsExactly("browser", "traffic_source");
        assertThat(s.forExperiment("no_segments").segmentList()).isEmpty();
        assertThat(s.forExperiment("other_setting").segmentList()).containsExactly("country", "traffic_source");
        assertThat(s.forExperiment("unlisted").segmentList()).containsExactly("country", "traffic_source");
        // the shipped file: the defaults list all three; homepage_aa leaves country out
        ExperimentSettings shipped = ExperimentSettings.load(new FileSystemResource("jobs/experiments.yml"));
        assertThat(shipped.forExperiment("checkout_redesign").segmentList())
                .containsExactly("traffic_source", "country", "browser");
        assertThat(shipped.forExperiment("homepage_aa").segmentList()).containsExactly("traffic_source", "browser");
    }

    @Test
    void wrongTypeIsNamed() {
        assertThatIllegalStateException().isThrownBy(() -> load("defaults: {alpha: five}"))
                .withMessageContaining("defaults.alpha must be of type Double (value five");
    }

    @Test
    void overridesKeepKeysVerbatimAndFallBackFieldByField() {
        ExperimentSettings s = load("""
                defaults: {alpha: 0.1, correction: bh, guardrails: [aov]}
                experiments:
                  Checkout_Redesign:
                    control: Control_A
                    weights: {Control_A: 2, variant_c: 1}
                    sequential: {enabled: true}
                """);
        ExperimentSettings.Settings own = s.forExperiment("Checkout_Redesign");
        assertThat(own.control()).isEqualTo("Control_A");
        assertThat(own.weights()).containsOnlyKeys("Control_A", "variant_c");
        assertThat(own.alpha()).isEqualTo(0.1);
        assertThat(own.effectOptions(Difference.RELATIVE).correction()).isEqualTo(Correction.BH);
        // sequential on without a tuning parameter: gbstats' default
        assertThat(own.effectOptions(Difference.RELATIVE).sequentialTuning()).isEqualTo(5000.0);
        // an experiment not listed takes the defaults; what the defaults leave out takes the built-in values
        ExperimentSettings.Settings other = s.forExperiment("another");
        assertThat(other.effectOptions(Difference.RELATIVE).sequentialTuning()).isNull();
        assertThat(other.srmThreshold()).isEqualTo(0.001);
        assertThat(other.primaryMetric()).isEqualTo(ExperimentSettings.CONVERSION);
        assertThat(other.cupedOn()).isFalse();
    }

    /** The shipped file binds, and every experiment's effective settings are ones abJob can serve. */
    @Test
    void shippedFileBindsToServableSettings() {
        ExperimentSettings shipped = ExperimentSettings.load(new FileSystemResource("jobs/experiments.yml"));
        List<String> keys = new java.util.ArrayList<>(shipped.experiments().keySet());
        keys.add("an experiment the file does not list");
        for (String key : keys) {
            ExperimentSettings.Settings s = shipped.forExperiment(key);
            assertThat(s.alpha()).as(key).isGreaterThan(0).isLessThanOrEqualTo(0.5);
            assertThat(s.srmThreshold()).as(key).isGreaterThan(0).isLessThan(1);
            assertThat(s.primaryMetric()).as(key).isIn(ExperimentSettings.CONVERSION, ExperimentSettings.REVENUE_PER_USER);
            assertThat(ExperimentSettings.GUARDRAILS).as(key).containsAll(s.guardrailList());
            assertThat(s.effectOptions(Difference.RELATIVE).correction()).as(key).isNotNull();
            if (s.cupedOn()) {
                assertThat(s.cuped().windowDays()).as(key).isEqualTo(ExperimentSettings.MATERIALIZED_CUPED_WINDOW_DAYS);
            }
            if (s.cappingOn()) {
                assertThat(s.capping().percentile()).as(key).isEqualTo(ExperimentSettings.MATERIALIZED_CAP_PERCENTILE);
                assertThat(s.capping().ignoreZeros()).as(key).isFalse();
            }
        }
        // the experiment keys are the file's, verbatim (the binder drops '_' from unbracketed map keys)
        java.util.Map<String, Object> raw;
        try (java.io.InputStream in = new FileSystemResource("jobs/experiments.yml").getInputStream()) {
            raw = new org.yaml.snakeyaml.Yaml().load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(shipped.experiments().keySet())
                .isEqualTo(((java.util.Map<?, ?>) raw.getOrDefault("experiments", java.util.Map.of())).keySet());
    }
}
