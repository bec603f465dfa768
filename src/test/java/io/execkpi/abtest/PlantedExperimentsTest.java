package io.execkpi.abtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * End to end on one generated warehouse (fixed dates and seed, scale 0.6: about 60,000 users, of whom about 21,000 come
 * back at least 14 days after signup and are assigned to each experiment): kpiJob materializes ab_metrics and
 * abJob evaluates them. The users and converters stored per arm, the unadjusted relative conversion lift and the
 * chi-square sample-ratio test are compared with the same quantities computed here from the raw warehouse tables
 * (assignments and orders as of {@link #DATE}) with textbook formulas. On this warehouse the planted +8 % lift is
 * significant, the A/A test and variant_b are not, Holm is applied across the metric × arm pairs and only the planted
 * mismatch is flagged. That the planted effects have their size in general (not only for this seed) is checked over
 * 40 seeds by {@code thelook.PlantedEffectsAcrossSeedsTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlantedExperimentsTest {

    static final LocalDate DATE = LocalDate.of(2025, 12, 31);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("execkpi.data-dir", () -> TestData.newDataDir("planted").toString());
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
        registry.add("execkpi.thelook.start", () -> "2023-01-01");
        registry.add("execkpi.thelook.scale", () -> "0.6");
    }

    @Autowired
    EmbeddedWarehouse warehouse;
    @Autowired
    JobRunner jobRunner;
    @Autowired
    AbResultsRepository results;
    @Autowired
    WarehouseConfiguration.WarehouseConnection warehouseConnection;

    static final java.sql.Timestamp END = java.sql.Timestamp.valueOf(DATE.plusDays(1).atStartOfDay());

    /** Users assigned by the end of DATE and those of them with a Complete order at or after their assignment. */
    record RawArm(long users, long converters) {
        double rate() {
            return (double) converters / users;
        }
    }

    /** The raw arms of an experiment by variant name (control first: "control" sorts before the variants). */
    Map<String, RawArm> raw(String experiment) {
        Map<String, RawArm> arms = new TreeMap<>();
        new JdbcTemplate(warehouseConnection.dataSource()).query(
                "SELECT a.variant, COUNT(*), COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o"
                        + " WHERE o.user_id = a.user_id AND o.status = 'Complete' AND o.created_at >= a.assigned_at"
                        + " AND o.created_at < ?)) FROM assignments a WHERE a.experiment_id = ? AND a.assigned_at < ?"
                        + " GROUP BY a.variant",
                rs -> {
                    arms.put(rs.getString(1), new RawArm(rs.getLong(2), rs.getLong(3)));
                }, END, experiment, END);
        return arms;
    }

    /**
     * The stored conversion row of an arm, after checking its users and converters against the raw tables, and its
     * relative lift without CUPED (p_arm / p_control − 1) against theirs.
     */
    AbResult checkedAgainstRaw(String experiment, String variant) {
        Map<String, RawArm> raw = raw(experiment);
        AbResult row = conversion(experiment, variant);
        RawArm arm = raw.get(variant);
        RawArm control = raw.get("control");
        String shown = experiment + "/" + variant;
        assertThat(row.users()).as(shown + " users").isEqualTo(arm.users());
        assertThat(row.conversions()).as(shown + " converters").isEqualTo(arm.converters());
        AbResult controlRow = conversion(experiment, "control");
        assertThat(controlRow.users()).as(shown + " control users").isEqualTo(control.users());
        assertThat(controlRow.conversions()).as(shown + " control converters").isEqualTo(control.converters());
        Double unadjusted = row.unadjustedRelLift() != null ? row.unadjustedRelLift() : row.relLift();
        assertThat(unadjusted).as(shown + " relative lift without CUPED")
                .isCloseTo(arm.rate() / control.rate() - 1, within(1e-9));
        return row;
    }

    @BeforeAll
    void materializeAndEvaluate() throws Exception {
        warehouse.ensureGeneratedThrough(DATE);
        assertThat(jobRunner.run(KpiJobConfiguration.JOB_NAME, new JobRequest(DATE, DATE, false)).getStatus())
                .isEqualTo(BatchStatus.COMPLETED);
        assertThat(jobRunner.run(AbJobConfiguration.JOB_NAME, new JobRequest(DATE, null, false)).getStatus())
                .isEqualTo(BatchStatus.COMPLETED);
    }

    AbResult conversion(String experiment, String variant) {
        return results.find(experiment, DATE).stream()
                .filter(r -> r.variant().equals(variant) && r.metric().equals("conversion")).findFirst().orElseThrow();
    }

    @Test
    void theCheckoutLiftIsTheWarehousesAndIsDetected() {
        AbResult treatment = checkedAgainstRaw("checkout_redesign", "treatment");
        assertThat(treatment.users()).isGreaterThan(10_000);
        assertThat(treatment.significant()).isTrue();
        assertThat(treatment.relLiftLow()).isPositive();
        assertThat(treatment.chanceToBeatControl()).isGreaterThan(0.99);
        assertThat(treatment.srmMismatch()).isFalse();
    }

    @Test
    void theAaTestIsNotSignificant() {
        AbResult treatment = checkedAgainstRaw("homepage_aa", "treatment");
        assertThat(treatment.significant()).isFalse();
        assertThat(treatment.relLiftLow()).isNegative();
        assertThat(treatment.relLiftHigh()).isPositive();
        assertThat(treatment.srmMismatch()).isFalse();
    }

    @Test
    void holmIsAppliedAcrossEveryMetricAndArmPair() {
        AbResult b = checkedAgainstRaw("pricing_three_arm", "variant_b");
        AbResult c = checkedAgainstRaw("pricing_three_arm", "variant_c");
        assertThat(List.of(b.adjustedPValue() >= b.pValue(), c.adjustedPValue() >= c.pValue())).containsOnly(true);
        // Holm over the 4 (metric, treatment arm) pairs of conversion and revenue per user, written out: sorted
        // ascending, the i-th (0-based) p-value times (4 - i), then a running maximum
        List<AbResult> pairs = results.find("pricing_three_arm", DATE).stream()
                .filter(r -> !r.isControl() && !Boolean.TRUE.equals(r.guardrailMetric()))
                .sorted(java.util.Comparator.comparing(AbResult::pValue)).toList();
        assertThat(pairs).hasSize(4);
        double running = 0;
        for (int i = 0; i < 4; i++) {
            running = Math.max(running, Math.min(1.0, pairs.get(i).pValue() * (4 - i)));
            assertThat(pairs.get(i).adjustedPValue()).as(pairs.get(i).toString()).isCloseTo(running, within(1e-15));
        }
        // at ~7,000 users per arm the planted +10 % of variant_c is near the minimum detectable effect (its size is
        // checked over 40 seeds in PlantedEffectsAcrossSeedsTest); the null arm is not significant here
        assertThat(b.significant()).as(b.toString()).isFalse();
        assertThat(b.relLiftLow()).isNegative();
        assertThat(b.relLiftHigh()).isPositive();
        assertThat(results.find("pricing_three_arm", DATE).stream().filter(r -> r.metric().equals("conversion")))
                .hasSize(3);
    }

    @Test
    void onlyThePlantedSampleRatioMismatchIsFlagged() {
        // chi-square goodness of fit of the assigned users against the configured weights (all equal here), computed
        // from the raw assignments; the planted 1-in-13 loss of recs_srm's control gives a treatment share near 12/23
        Map<String, Integer> arms = Map.of("checkout_redesign", 2, "homepage_aa", 2, "pricing_three_arm", 3,
                "recs_srm", 2);
        arms.forEach((experiment, count) -> {
            List<RawArm> raw = List.copyOf(raw(experiment).values());
            assertThat(raw).hasSize(count);
            double total = raw.stream().mapToLong(RawArm::users).sum();
            double chiSquare = raw.stream().mapToDouble(a -> (a.users() - total / count) * (a.users() - total / count)
                    / (total / count)).sum();
            double p = 1 - new ChiSquaredDistribution(count - 1).cumulativeProbability(chiSquare);
            assertThat(results.find(experiment, DATE)).isNotEmpty().allSatisfy(r -> {
                assertThat(r.srmPValue()).as(experiment).isCloseTo(p, within(1e-9));
                assertThat(r.srmMismatch()).as(experiment).isEqualTo(p < r.srmThreshold())
                        .isEqualTo(experiment.equals("recs_srm"));
            });
        });
        AbResult srm = conversion("recs_srm", "treatment");
        double share = (double) srm.users() / (srm.users() + conversion("recs_srm", "control").users());
        assertThat(share).isBetween(0.51, 0.53);
    }

    @Test
    void theAovGuardrailShipsEnabledAndFiresOnNoPlantedExperiment() {
        // jobs/experiments.yml turns the aov guardrail on; the planted effects act on the purchase probability only,
        // never on the basket, so no arm (the A/A test included) may be marked violated
        for (String experiment : List.of("checkout_redesign", "homepage_aa", "pricing_three_arm", "recs_srm")) {
            List<AbResult> aov = results.find(experiment, DATE).stream().filter(r -> r.metric().equals("aov")).toList();
            assertThat(aov).as(experiment).isNotEmpty();
            assertThat(aov).filteredOn(r -> !r.isControl()).allSatisfy(r -> {
                assertThat(r.guardrailViolated()).as(r.toString()).isFalse();
                assertThat(r.meanValue()).isPositive();
            });
        }
        AbResult aa = row("homepage_aa", "treatment", "aov");
        assertThat(aa.absLiftLow()).as(aa.toString()).isNegative();
        assertThat(aa.absLiftHigh()).as(aa.toString()).isPositive();
    }

    AbResult row(String experiment, String variant, String metric) {
        return results.find(experiment, DATE).stream()
                .filter(r -> r.variant().equals(variant) && r.metric().equals(metric)).findFirst().orElseThrow();
    }

    @Test
    void cupedNarrowsTheIntervalsOfThePlantedLifts() {
        // jobs/experiments.yml turns CUPED on. Users keep a propensity (thelook UserProfile: a gamma frailty on visits,
        // purchases and lifetime, and a per-user share of kept orders) and are assigned at their first session at least
        // 14 days after signup, so the 14 days before the assignment hold their first visits, whose completed revenue
        // predicts their revenue after it (TheLookGeneratorTest checks that correlation with its own query). Here
        // (scale 0.6, three years) the variance reduction is 14.6 % (checkout) and 13.9 % (variant_c) for revenue per
        // user (capped) and 8.3 % and 8.1 % for conversion; with the generator before the frailty (then at scale
        // 0.3) it was 0.31 % and 0.21 % for revenue and 0.87 % and 0.69 % for conversion, hence the lower bounds of
        // 8 % and 4 %.
        for (String[] arm : new String[][] {{"checkout_redesign", "treatment"}, {"pricing_three_arm", "variant_c"}}) {
            for (String[] metric : new String[][] {{"revenue_per_user", "0.08"}, {"conversion", "0.04"}}) {
                AbResult r = row(arm[0], arm[1], metric[0]);
                String shown = arm[0] + "/" + arm[1] + " " + metric[0] + ": θ " + r.theta() + ", variance reduction "
                        + r.varianceReduction() + ", adjusted " + r.relLift() + " [" + r.relLiftLow() + ", "
                        + r.relLiftHigh() + "], unadjusted " + r.unadjustedRelLift() + " [" + r.unadjustedRelLiftLow()
                        + ", " + r.unadjustedRelLiftHigh() + "]";
                System.out.println(shown);
                assertThat(r.method()).as(shown).contains("CUPED");
                assertThat(r.theta()).as(shown).isPositive();
                assertThat(r.varianceReduction()).as(shown).isGreaterThan(Double.parseDouble(metric[1]));
                assertThat(r.relLiftHigh() - r.relLiftLow()).as(shown)
                        .isLessThan(r.unadjustedRelLiftHigh() - r.unadjustedRelLiftLow());
            }
        }
    }
}
