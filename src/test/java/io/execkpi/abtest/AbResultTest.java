package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The builder puts every group's values into the right components, and leaves the unset ones null. */
class AbResultTest {

    /** Every component set to its own value, so a swapped pair of components shows. */
    private static AbResult full() {
        return AbResult.builder("exp", "B", "revenue_per_user").control(true).primary(true)
                .arm(1_000, 120L, 2.5, 6.25).test(1.9, 998.0, 0.057, 0.11, true)
                .absoluteLift(0.3, -0.01, 0.61, 0.058).relativeLift(0.12, -0.004, 0.244, 0.059)
                .chanceToBeatControl(0.97).minimumDetectableEffect(0.021).method(0.05, "m")
                .srm(0.4, 0.53, false, 0.001).note("n").cuped(0.8, 0.36)
                .unadjustedRelativeLift(0.13, -0.02, 0.28, 0.09).fixedHorizonRelativeLift(0.14, 0.01, 0.27, 0.04)
                .risk(0.003).guardrail(true, false).adjustedRelativeInterval(-0.03, 0.27).build();
    }

    @Test
    void everyGroupLandsInItsComponentsAndInTheirOrder() {
        assertThat(full()).isEqualTo(new AbResult("exp", "B", "revenue_per_user", true, true, 1_000, 120L, 2.5, 6.25,
                1.9, 998.0, 0.057, 0.11, true, 0.3, -0.01, 0.61, 0.058, 0.12, -0.004, 0.244, 0.059, 0.97, 0.021,
                0.05, "m", 0.4, 0.53, false, 0.001, "n", 0.8, 0.36, 0.13, -0.02, 0.28, 0.09, 0.14, 0.01, 0.27, 0.04,
                0.003, true, false, -0.03, 0.27));
        assertThat(full().toBuilder().build()).isEqualTo(full());
    }

    @Test
    void unsetGroupsStayNullAndWithersChangeOnlyTheirComponents() {
        AbResult bare = AbResult.builder("exp", "A", "conversion").method(0.05, "m").srm(null, null, null, 0.001)
                .build();
        assertThat(bare).isEqualTo(new AbResult("exp", "A", "conversion", false, false, 0, null, null, null, null,
                null, null, null, false, null, null, null, null, null, null, null, null, null, null, 0.05, "m", null,
                null, null, 0.001, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null));
        assertThat(full().withMinimumDetectableEffect(0.5).minimumDetectableEffect()).isEqualTo(0.5);
        assertThat(full().withMinimumDetectableEffect(0.5).toBuilder().minimumDetectableEffect(0.021).build())
                .isEqualTo(full());
        AbResult flagged = full().withGuardrail(true, "guardrail violated: aov");
        assertThat(flagged.guardrailViolated()).isTrue();
        assertThat(flagged.note()).isEqualTo("n; guardrail violated: aov");
        assertThat(flagged.guardrailMetric()).isTrue();
        assertThat(bare.withGuardrail(null, "r").note()).isEqualTo("r");
        assertThat(bare.withGuardrail(null, null)).isEqualTo(bare);
    }

    @Test
    void alphaAndSrmThresholdAreRequired() {
        assertThatThrownBy(() -> AbResult.builder("exp", "A", "conversion").srm(null, null, null, 0.001).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("method(alpha, method)");
        assertThatThrownBy(() -> AbResult.builder("exp", "A", "conversion").method(0.05, "m").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("srm(");
    }
}
