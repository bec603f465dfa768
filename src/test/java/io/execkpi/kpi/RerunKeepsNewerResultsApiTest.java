package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Re-running an old date leaves every KPI as a clean run through the latest date left it: the
 * retention cohorts, a state as of a business date, are not rolled back to that older date.
 */
class RerunKeepsNewerResultsApiTest extends AppTestBase {

    @Autowired
    JdbcTemplate store;
    @Autowired
    KpiCatalog catalog;

    @Test
    void aRerunOfAnOldDateAfterABackfillChangesNoRowOfAnyKpi() throws Exception {
        assertThat(launch("{\"from\":\"" + YESTERDAY.minusDays(28) + "\",\"to\":\"" + YESTERDAY + "\",\"rerun\":true}"))
                .isEqualTo("COMPLETED");
        Map<String, List<Map<String, Object>>> before = everyKpi();
        assertThat(before.get("retention_weekly")).isNotEmpty()
                .allSatisfy(row -> assertThat(row.get("as_of_date").toString()).isEqualTo(YESTERDAY.toString()));

        assertThat(launch("{\"date\":\"" + YESTERDAY.minusDays(14) + "\",\"rerun\":true}")).isEqualTo("COMPLETED");

        Map<String, List<Map<String, Object>>> after = everyKpi();
        for (String kpi : before.keySet()) {
            assertThat(after.get(kpi)).as(kpi).isEqualTo(before.get(kpi));
        }
    }

    private String launch(String body) throws Exception {
        HttpResponse<String> response = postAsOperator("/api/jobs/kpiJob/executions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return awaitEnd(response.headers().firstValue("Location").orElseThrow()).get("status").asString();
    }

    /** Every stored row of every KPI, ordered by its keys. */
    private Map<String, List<Map<String, Object>>> everyKpi() {
        Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
        for (KpiDefinition kpi : catalog.all()) {
            rows.put(kpi.name(), store.queryForList("SELECT * FROM " + kpi.table() + " ORDER BY "
                    + kpi.keys().stream().map(KpiDefinition.Column::name).collect(Collectors.joining(", "))));
        }
        return rows;
    }
}
