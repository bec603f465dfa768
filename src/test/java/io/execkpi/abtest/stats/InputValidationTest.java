package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Malformed input is rejected with the path of the offending field, by the validation and the evaluation alike. */
class InputValidationTest {

    private static final ConversionArm C = new ConversionArm("control", 1000, 100);
    private static final ConversionArm T = new ConversionArm("B", 1000, 110);
    private static final MeanArm MC = new MeanArm("control", 100, 50, 100);
    private static final MeanArm MT = new MeanArm("B", 100, 60, 120);

    private static void assertRejected(ThrowingCallable call, String field) {
        InvalidExperimentInputException e = catchThrowableOfType(InvalidExperimentInputException.class, call);
        assertThat(e).as("expected rejection of %s", field).isNotNull();
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.getField()).isEqualTo(field);
        assertThat(e.getReason()).isNotBlank();
        assertThat(e.getMessage()).startsWith(field + ": ");
    }

    private static void conversion(ConversionArm control, List<ConversionArm> variants, double alpha, double[] weights,
                                   String field) {
        assertRejected(() -> AbInputValidation.validateConversion(control, variants, alpha, weights, 0.001), field);
        assertRejected(() -> AbStatistics.evaluateConversion(control, variants, alpha, weights, 0.001), field);
    }

    private static void mean(MeanArm control, List<MeanArm> variants, double alpha, String field) {
        assertRejected(() -> AbInputValidation.validateMean(control, variants, alpha), field);
        assertRejected(() -> AbStatistics.evaluateMean(control, variants, alpha), field);
    }

    @Test
    void conversionArms() {
        conversion(new ConversionArm("control", 0, 0), List.of(T), 0.05, null, "control.users");
        conversion(C, List.of(new ConversionArm("B", -5, 0)), 0.05, null, "variants[0].users");
        conversion(C, List.of(new ConversionArm("B", 10, -1)), 0.05, null, "variants[0].conversions");
        conversion(C, List.of(T, new ConversionArm("D", 10, 11)), 0.05, null, "variants[1].conversions");
        conversion(null, List.of(T), 0.05, null, "control");
    }

    @Test
    void alphaRange() {
        for (double alpha : new double[] {0, -0.1, 0.5000001, 1, Double.NaN}) {
            conversion(C, List.of(T), alpha, null, "alpha");
            mean(MC, List.of(MT), alpha, "alpha");
        }
        AbInputValidation.validateConversion(C, List.of(T), 0.5, null, 0.001); // upper bound inclusive
    }

    @Test
    void weights() {
        conversion(C, List.of(T), 0.05, new double[] {1, 1, 1}, "weights");
        conversion(C, List.of(T), 0.05, new double[] {1}, "weights");
        conversion(C, List.of(T), 0.05, new double[] {1, 0}, "weights[1]");
        conversion(C, List.of(T), 0.05, new double[] {-1, 1}, "weights[0]");
        conversion(C, List.of(T), 0.05, new double[] {1, Double.NaN}, "weights[1]");
        assertRejected(() -> AbInputValidation.validateConversion(C, List.of(T), 0.05, null, 0), "srmThreshold");
    }

    @Test
    void variantList() {
        conversion(C, List.of(), 0.05, null, "variants");
        conversion(C, null, 0.05, null, "variants");
        List<ConversionArm> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(new ConversionArm("v" + i, 100, 10));
        }
        conversion(C, many, 0.05, null, "variants");
        AbInputValidation.validateConversion(C, many.subList(0, 20), 0.05, null, 0.001); // 20 is allowed
        mean(MC, List.of(), 0.05, "variants");
    }

    @Test
    void names() {
        conversion(C, List.of(T, new ConversionArm("B", 100, 1)), 0.05, null, "variants[1].name");
        conversion(C, List.of(new ConversionArm("control", 100, 1)), 0.05, null, "variants[0].name");
        conversion(C, List.of(new ConversionArm(" ", 100, 1)), 0.05, null, "variants[0].name");
        conversion(new ConversionArm(null, 100, 1), List.of(T), 0.05, null, "control.name");
        mean(MC, List.of(MT, new MeanArm("B", 10, 1, 1)), 0.05, "variants[1].name");
    }

    @Test
    void meanArms() {
        mean(new MeanArm("control", 0, 0, 0), List.of(MT), 0.05, "control.n");
        mean(MC, List.of(new MeanArm("B", -1, 0, 0)), 0.05, "variants[0].n");
        // Σy² = 10 < (Σy)²/n = 100²/100 = 100: negative variance
        mean(MC, List.of(new MeanArm("B", 100, 100, 10)), 0.05, "variants[0].sumSquares");
        mean(MC, List.of(new MeanArm("B", 100, 0, -1)), 0.05, "variants[0].sumSquares");
        mean(MC, List.of(new MeanArm("B", 100, Double.NaN, 1)), 0.05, "variants[0].sum");
        mean(MC, List.of(new MeanArm("B", 100, 1, Double.POSITIVE_INFINITY)), 0.05, "variants[0].sumSquares");
        // a deficit within rounding is accepted: 0.1 summed ten times is not exactly 1
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < 10; i++) {
            sum += 0.1;
            sumSquares += 0.1 * 0.1;
        }
        AbInputValidation.validateMean(MC, List.of(new MeanArm("B", 10, sum, sumSquares)), 0.05);
        assertThat(new MeanArm("B", 10, sum, sumSquares).variance()).isGreaterThanOrEqualTo(0.0);
    }
}
