package io.execkpi.abtest.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Well-formed but degenerate data: every result is defined, carries no NaN or infinity anywhere
 * (checked recursively over all record components), and explains its null numbers in a note.
 */
class DegenerateInputTest {

    /** Fails on any NaN or infinite double reachable from the object through records and collections. */
    static void assertAllFinite(Object value, String path) {
        if (value instanceof Double d) {
            assertThat(Double.isFinite(d)).as("%s = %s", path, d).isTrue();
        } else if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertAllFinite(item, path + "[" + i++ + "]");
            }
        } else if (value != null && value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                try {
                    assertAllFinite(component.getAccessor().invoke(value), path + "." + component.getName());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private static ConversionComparison conversion(ConversionArm control, ConversionArm treatment) {
        ConversionEvaluation eval = AbStatistics.evaluateConversion(control, List.of(treatment), 0.05);
        assertAllFinite(eval, "evaluation");
        return eval.variants().get(0);
    }

    private static MeanComparison mean(MeanArm control, MeanArm treatment) {
        List<MeanComparison> out = AbStatistics.evaluateMean(control, List.of(treatment), 0.05);
        assertAllFinite(out, "comparisons");
        return out.get(0);
    }

    @Test
    void noConversionsAnywhere() {
        ConversionComparison c = conversion(new ConversionArm("c", 1000, 0), new ConversionArm("t", 1000, 0));
        assertThat(c.zScore()).isNull();
        assertThat(c.pValue()).isNull();
        assertThat(c.adjustedPValue()).isNull();
        assertThat(c.significant()).isFalse();
        assertThat(c.absoluteLift().estimate()).isEqualTo(0.0);
        assertThat(c.absoluteLift().ciLow()).isNull();
        assertThat(c.relativeLift().estimate()).isNull();
        assertThat(c.minimumDetectableEffect()).isNull();
        assertThat(c.chanceToBeatControl()).isEqualTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(c.note()).contains("z-test is undefined", "relative lift is undefined",
                "minimum detectable effect is undefined");
    }

    @Test
    void everyoneConverts() {
        ConversionComparison c = conversion(new ConversionArm("c", 500, 500), new ConversionArm("t", 700, 700));
        assertThat(c.pValue()).isNull();
        assertThat(c.relativeLift().estimate()).isEqualTo(0.0);
        assertThat(c.relativeLift().ciLow()).isNull();
        assertThat(c.minimumDetectableEffect()).isNull();
        assertThat(c.note()).contains("non-conversions", "z-test is undefined");
    }

    @Test
    void zeroControlRateWithTreatmentConversions() {
        ConversionComparison c = conversion(new ConversionArm("c", 1000, 0), new ConversionArm("t", 1000, 12));
        assertThat(c.zScore()).isNotNull();
        assertThat(c.pValue()).isNotNull();
        assertThat(c.absoluteLift().ciLow()).isNotNull();
        assertThat(c.relativeLift().estimate()).isNull();
        assertThat(c.minimumDetectableEffect()).isNull();
        assertThat(c.note()).contains("control rate is 0");
    }

    @Test
    void oppositeExtremes() {
        ConversionComparison c = conversion(new ConversionArm("c", 50, 0), new ConversionArm("t", 50, 50));
        assertThat(c.zScore()).isNotNull();
        assertThat(c.absoluteLift().estimate()).isEqualTo(1.0);
        assertThat(c.absoluteLift().ciLow()).isNull();
        assertThat(c.note()).contains("Wald standard error is 0");
    }

    @Test
    void singleUserArms() {
        ConversionComparison c = conversion(new ConversionArm("c", 1, 1), new ConversionArm("t", 1, 0));
        assertThat(c.note()).isNotBlank();
        MeanComparison m = mean(new MeanArm("c", 1, 5, 25), new MeanArm("t", 1, 7, 49));
        assertThat(m.absoluteLift().estimate()).isEqualTo(2.0);
        assertThat(m.variance()).isNull();
        assertThat(m.tStatistic()).isNull();
        assertThat(m.pValue()).isNull();
        assertThat(m.note()).contains("fewer than 2 users");
    }

    @Test
    void zeroVarianceInBothArms() {
        MeanComparison m = mean(new MeanArm("c", 100, 300, 900), new MeanArm("t", 100, 400, 1600));
        assertThat(m.variance()).isEqualTo(0.0);
        assertThat(m.tStatistic()).isNull();
        assertThat(m.degreesOfFreedom()).isNull();
        assertThat(m.absoluteLift().estimate()).isEqualTo(1.0);
        assertThat(m.relativeLift().estimate()).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(m.note()).contains("zero variance");
    }

    @Test
    void zeroVarianceInOneArmStillTests() {
        MeanComparison m = mean(new MeanArm("c", 100, 300, 900), new MeanArm("t", 100, 400, 2000));
        assertThat(m.tStatistic()).isNotNull();
        assertThat(m.degreesOfFreedom()).isEqualTo(99.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.note()).isNull();
    }

    @Test
    void zeroControlMean() {
        MeanComparison m = mean(new MeanArm("c", 100, 0, 0), new MeanArm("t", 100, 50, 400));
        assertThat(m.relativeLift().estimate()).isNull();
        assertThat(m.absoluteLift().ciLow()).isNotNull();
        assertThat(m.note()).contains("control mean is 0");
    }

    @Test
    void allZeroTreatmentGivesZeroRelativeStandardError() {
        // Var(rel) = s_t²/(m_c² n_t) + m_t² s_c²/(m_c⁴ n_c) = 0 when the treatment is identically 0
        MeanComparison m = mean(new MeanArm("c", 100, 100, 500), new MeanArm("t", 100, 0, 0));
        assertThat(m.relativeLift().estimate()).isEqualTo(-1.0);
        assertThat(m.relativeLift().ciLow()).isNull();
        assertThat(m.note()).contains("relative lift interval is undefined");
    }

    @Test
    void extremeMagnitudesStayFinite() {
        mean(new MeanArm("c", 1000, 1e-300, 1e-300), new MeanArm("t", 1000, 1e150, 1e300));
        mean(new MeanArm("c", 2, 1e154, 1e308), new MeanArm("t", 2, -1e154, 1e308));
        conversion(new ConversionArm("c", Long.MAX_VALUE / 4, 1), new ConversionArm("t", 1, 1));
    }

    @Test
    void undefinedArmCountsInHolmFamily() {
        ConversionEvaluation eval = AbStatistics.evaluateConversion(new ConversionArm("c", 1000, 0),
                List.of(new ConversionArm("t1", 1000, 0), new ConversionArm("t2", 1000, 15)), 0.05);
        assertAllFinite(eval, "evaluation");
        ConversionComparison defined = eval.variants().get(1);
        // the undefined arm counts as p = 1, so the defined one is still multiplied by 2
        assertThat(defined.adjustedPValue()).isEqualTo(Math.min(1, 2 * defined.pValue()));
        assertThat(eval.variants().get(0).adjustedPValue()).isNull();
    }
}
