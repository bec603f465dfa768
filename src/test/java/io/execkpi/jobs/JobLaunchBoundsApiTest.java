package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import io.execkpi.support.AppTestBase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Launch parameters are bounded (the warehouse starts 120 days before yesterday, {@code execkpi.jobs.max-range-days}
 * is 100 here): dates after today, before the warehouse's first day, at the edges of LocalDate, or ranges over the
 * maximum are a 400 problem naming the parameter, and no execution is created.
 */
class JobLaunchBoundsApiTest extends AppTestBase {

    @Autowired
    JdbcTemplate store;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"date\":\"1899-12-31\",\"from\":\"1000-01-01\"}|'from' (1000-01-01) is before the warehouse's first day",
            "{\"date\":\"TOMORROW\"}|'date' (TOMORROW) is after today",
            "{\"from\":\"FIRST\",\"to\":\"TOMORROW\"}|'to' (TOMORROW) is after today",
            "{\"date\":\"BEFORE_FIRST\"}|'date' (BEFORE_FIRST) is before the warehouse's first day (FIRST)",
            "{\"from\":\"BEFORE_FIRST\",\"to\":\"YESTERDAY\"}|'from' (BEFORE_FIRST) is before",
            "{\"from\":\"FIRST\",\"to\":\"YESTERDAY\"}|spans 121 business dates; at most 100",
            "{\"date\":\"+999999999-12-31\"}|'date' (+999999999-12-31) is after today",
            "{\"date\":\"-999999999-01-01\"}|'date' (-999999999-01-01) is before",
            "{\"from\":\"-999999999-01-01\",\"to\":\"YESTERDAY\"}|'from' (-999999999-01-01) is before",
            "{\"date\":\"+999999999-12-31\",\"from\":\"-999999999-01-01\"}|'to' (+999999999-12-31) is after today",
    })
    void outOfBoundsLaunchesAre400AndStartNothing(String template, String detail) throws Exception {
        String body = dates(template);
        int before = executions();
        for (String job : List.of("kpiJob", "abJob", "mlJob", "nightlyJob")) {
            if (!job.equals("kpiJob") && body.contains("from")) {
                continue; // only kpiJob backfills ranges
            }
            HttpResponse<String> response = postAsOperator("/api/jobs/" + job + "/executions", body);
            assertThat(response.statusCode()).as(job + " " + body).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(json.readTree(response.body()).get("detail").asString()).as(job).contains(dates(detail));
        }
        assertThat(executions()).isEqualTo(before);
    }

    @Test
    void theWarehousesFirstDayIsAccepted() throws Exception {
        HttpResponse<String> response = postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\""
                + YESTERDAY.minusDays(120) + "\",\"rerun\":true}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(awaitEnd(response.headers().firstValue("Location").orElseThrow()).get("status").asString())
                .isEqualTo("COMPLETED");
    }

    private int executions() {
        return store.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION", Integer.class);
    }

    private static String dates(String text) {
        return text.replace("TOMORROW", YESTERDAY.plusDays(2).toString())
                .replace("BEFORE_FIRST", YESTERDAY.minusDays(121).toString())
                .replace("FIRST", YESTERDAY.minusDays(120).toString())
                .replace("YESTERDAY", YESTERDAY.toString());
    }
}
