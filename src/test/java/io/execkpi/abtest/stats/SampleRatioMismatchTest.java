package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** SRM chi-square against published values and the closed-form χ² survival functions for df 1 and 2. */
class SampleRatioMismatchTest {

    @Test
    void fiftyFiftyReferenceValues() {
        assertThat(AbStatistics.sampleRatioMismatch(new long[] {5000, 5100}, null, 0.001).pValue())
                .isCloseTo(0.3197, within(1e-4));
        SrmResult r = AbStatistics.sampleRatioMismatch(new long[] {10000, 10300}, null, 0.001);
        assertThat(r.pValue()).isCloseTo(0.0352, within(1e-4));
        assertThat(r.chiSquare()).isCloseTo(2 * 150.0 * 150.0 / 10150, within(1e-12));
        assertThat(r.mismatch()).isFalse();
        assertThat(AbStatistics.sampleRatioMismatch(new long[] {10000, 10300}, null, 0.05).mismatch()).isTrue();
    }

    @Test
    void weightsAreRelativeAndNormalised() {
        long[] users = {2000, 5000, 3100};
        SrmResult a = AbStatistics.sampleRatioMismatch(users, new double[] {2, 5, 3}, 0.001);
        SrmResult b = AbStatistics.sampleRatioMismatch(users, new double[] {0.2, 0.5, 0.3}, 0.001);
        assertThat(a.chiSquare()).isCloseTo(b.chiSquare(), within(1e-9));
        // expected 2020, 5050, 3030; χ²(2) survival is exp(−x/2)
        double chi = 400.0 / 2020 + 2500.0 / 5050 + 4900.0 / 3030;
        assertThat(a.chiSquare()).isCloseTo(chi, within(1e-9));
        assertThat(a.pValue()).isCloseTo(Math.exp(-chi / 2), within(1e-12));
    }

    @Test
    void severeMismatchKeepsPrecision() {
        SrmResult r = AbStatistics.sampleRatioMismatch(new long[] {50000, 52000}, null, 0.001);
        double chi = 2 * 1000.0 * 1000.0 / 51000;
        assertThat(r.pValue()).isCloseTo(Erf.erfc(Math.sqrt(chi / 2)), within(1e-15));
        assertThat(r.pValue() / Erf.erfc(Math.sqrt(chi / 2))).isCloseTo(1.0, within(1e-9));
        assertThat(r.mismatch()).isTrue();
        SrmResult extreme = AbStatistics.sampleRatioMismatch(new long[] {1, 1_000_000_000L}, null, 0.001);
        assertThat(extreme.pValue()).isEqualTo(0.0);
        assertThat(Double.isFinite(extreme.chiSquare())).isTrue();
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> AbStatistics.sampleRatioMismatch(new long[] {10}, null, 0.001))
                .isInstanceOf(InvalidExperimentInputException.class).hasMessageContaining("users");
        assertThatThrownBy(() -> AbStatistics.sampleRatioMismatch(new long[] {10, 0}, null, 0.001))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("users[1]");
        assertThatThrownBy(() -> AbStatistics.sampleRatioMismatch(new long[] {10, 10}, new double[] {1}, 0.001))
                .isInstanceOf(InvalidExperimentInputException.class)
                .extracting(e -> ((InvalidExperimentInputException) e).getField()).isEqualTo("weights");
    }
}
