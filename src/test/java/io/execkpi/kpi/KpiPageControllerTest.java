package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The funnel and cohort views of the KPI pages against values worked out by hand. */
class KpiPageControllerTest {

    private static Map<String, Object> day(long home, long department, long product, long cart, long purchase) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("home_sessions", home);
        row.put("department_sessions", department);
        row.put("product_sessions", product);
        row.put("cart_sessions", cart);
        row.put("purchase_sessions", purchase);
        return row;
    }

    @Test
    void funnelStagesAreSummedOverTheRangeWithStageToStageRates() {
        KpiPageController.Funnel f = KpiPageController.funnel(List.of(day(100, 50, 40, 10, 2), day(100, 30, 20, 10, 3)));
        assertThat(f.stages()).extracting(KpiPageController.Stage::sessions).containsExactly(200L, 80L, 60L, 20L, 5L);
        assertThat(f.stages().get(0).rateFromPrevious()).isNull();
        assertThat(f.stages().get(1).rateFromPrevious()).isCloseTo(0.4, within(1e-12));   // 80 / 200
        assertThat(f.stages().get(2).rateFromPrevious()).isCloseTo(0.75, within(1e-12));  // 60 / 80
        assertThat(f.stages().get(4).rateFromPrevious()).isCloseTo(0.25, within(1e-12));  // 5 / 20
        assertThat(f.stages().get(4).rateFromFirst()).isCloseTo(0.025, within(1e-12));    // 5 / 200
        assertThat(KpiPageController.funnel(List.of(day(0, 0, 0, 0, 0))).stages().get(1).rateFromPrevious()).isNull();
    }

    private static Map<String, Object> cell(String cohort, int week, long users, long active) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("cohort_week", LocalDate.parse(cohort));
        row.put("week_n", (long) week);
        row.put("cohort_users", users);
        row.put("active_users", active);
        row.put("retention_rate", (double) active / users);
        return row;
    }

    @Test
    void cohortsBecomeAMatrixWithGapsForWeeksNotBegun() {
        KpiPageController.Cohorts c = KpiPageController.cohorts(List.of(cell("2026-11-02", 0, 10, 10),
                cell("2026-11-02", 1, 10, 4), cell("2026-11-09", 0, 5, 5)));
        assertThat(c.weeks()).containsExactly("0", "1");
        assertThat(c.cohorts()).hasSize(2);
        assertThat(c.cohorts().get(0).rates()).containsExactly(1.0, 0.4);
        assertThat(c.cohorts().get(0).active()).containsExactly(10L, 4L);
        assertThat(c.cohorts().get(1).rates()).containsExactly(1.0, null);
        assertThat(c.cohorts().get(1).cohortUsers()).isEqualTo(5);
    }
}
