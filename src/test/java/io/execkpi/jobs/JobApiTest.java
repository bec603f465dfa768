package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.execkpi.support.AppTestBase;
import io.execkpi.support.HeldTransaction;
import io.execkpi.support.Poison;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;

/** The job control API over real HTTP, with and without the operator token. */
class JobApiTest extends AppTestBase {

    @Autowired
    JdbcTemplate store;

    @Test
    void jobsAreListedWithTheirLastExecution() throws Exception {
        HttpResponse<String> response = get("/api/jobs");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode jobs = json.readTree(response.body());
        assertThat(jobs.findValuesAsString("name")).contains("kpiJob", "abJob", "nightlyJob");
        for (JsonNode job : jobs) {
            // start-up ran every job (other tests may have run more since)
            assertThat(job.get("lastExecution").get("id").asLong()).as(job.get("name").asString()).isPositive();
            assertThat(job.get("lastExecution").get("status").asString()).isNotBlank();
        }
    }

    @Test
    void mutationsNeedTheToken() throws Exception {
        String body = "{\"date\":\"" + YESTERDAY + "\",\"rerun\":true}";
        HttpResponse<String> anonymous = post("/api/jobs/kpiJob/executions", "application/json", body);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/api/jobs/kpiJob/executions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(TOKEN);
        assertThat(post("/api/jobs/executions/1/stop", "application/json", "").statusCode()).isEqualTo(401);
    }

    @Test
    void aLaunchIsAsynchronousWithALocationAndRunsToCompletion() throws Exception {
        HttpResponse<String> response = postAsOperator("/api/jobs/kpiJob/executions",
                "{\"date\":\"" + YESTERDAY.minusDays(1) + "\",\"rerun\":true}");
        assertThat(response.statusCode()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/api/jobs/executions/\\d+");
        JsonNode done = awaitEnd(location);
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("job").asString()).isEqualTo("kpiJob");
        assertThat(done.get("parameters").get("date").asString()).isEqualTo(YESTERDAY.minusDays(1).toString());
        assertThat(done.get("durationMs").asLong()).isEqualTo(java.time.Duration.between(
                java.time.Instant.parse(done.get("startTime").asString()),
                java.time.Instant.parse(done.get("endTime").asString())).toMillis());
        JsonNode steps = done.get("steps");
        assertThat(steps.findValuesAsString("name")).containsExactly("kpi_revenue_daily", "kpi_revenue_daily_by", "kpi_margin_daily", "kpi_margin_daily_by",
                "kpi_returns_daily", "kpi_returns_daily_by",
                "kpi_funnel_daily",
                "kpi_retention_weekly", "kpi_ab_metrics", "kpi_ab_segments");
        for (JsonNode step : steps) {
            assertThat(step.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(step.get("writeCount").asLong()).isPositive();
            assertThat(step.get("progress").asDouble()).isEqualTo(1.0);
        }
        // the same instance again, without rerun: 409; restarting a completed execution: 409; stopping it: 409
        HttpResponse<String> again = postAsOperator("/api/jobs/abJob/executions", "{\"date\":\"" + YESTERDAY + "\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json.readTree(again.body()).get("detail").asString()).contains("rerun");
        long id = done.get("id").asLong();
        assertThat(postAsOperator("/api/jobs/executions/" + id + "/restart", "").statusCode()).isEqualTo(409);
        assertThat(postAsOperator("/api/jobs/executions/" + id + "/stop", "").statusCode()).isEqualTo(409);
        // listing with filters and paging
        JsonNode page = json.readTree(get("/api/jobs/executions?job=kpiJob&status=COMPLETED&page=0&size=2").body());
        assertThat(page.get("executions").size()).isEqualTo(2);
        assertThat(page.get("executions").get(0).get("id").asLong())
                .isGreaterThan(page.get("executions").get(1).get("id").asLong());
    }

    @Test
    void aFailedExecutionIsRestartedAndAnotherAbandoned() throws Exception {
        String poisoned = YESTERDAY.minusDays(5).toString();
        Poison.add(store, "api_poison", "kpi_revenue_daily", "date", YESTERDAY.minusDays(5));
        JsonNode failed;
        JsonNode failedToo;
        try {
            failed = awaitEnd(postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\"" + poisoned
                    + "\",\"rerun\":true}").headers().firstValue("Location").orElseThrow());
            failedToo = awaitEnd(postAsOperator("/api/jobs/kpiJob/executions", "{\"from\":\"" + YESTERDAY.minusDays(9)
                    + "\",\"to\":\"" + poisoned + "\",\"rerun\":true}").headers().firstValue("Location").orElseThrow());
        } finally {
            Poison.remove(store, "api_poison", "kpi_revenue_daily");
        }
        assertThat(failed.get("status").asString()).isEqualTo("FAILED");
        assertThat(failed.get("exitMessage").asString()).isNotBlank().doesNotContain("\tat ");
        // what the public read API shows is a sentence for an operator, not the store's exception (full detail: log)
        List<String> messages = new ArrayList<>(List.of(failed.get("exitMessage").asString()));
        failed.get("steps").forEach(step -> messages.add(step.get("exitMessage").asString("")));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("results store"));
        assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain("Exception").doesNotContainIgnoringCase(
                "api_poison").doesNotContain("SQL").doesNotContain("kpi_revenue_daily (").doesNotContain("/"));
        HttpResponse<String> restarted = postAsOperator("/api/jobs/executions/" + failed.get("id").asLong()
                + "/restart", "");
        assertThat(restarted.statusCode()).isEqualTo(202);
        JsonNode restartedDone = awaitEnd(restarted.headers().firstValue("Location").orElseThrow());
        assertThat(restartedDone.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(restartedDone.get("instanceId").asLong()).isEqualTo(failed.get("instanceId").asLong());
        // restarting the same failed execution twice is a conflict
        assertThat(postAsOperator("/api/jobs/executions/" + failed.get("id").asLong() + "/restart", "").statusCode())
                .isEqualTo(409);

        HttpResponse<String> abandoned = postAsOperator("/api/jobs/executions/" + failedToo.get("id").asLong()
                + "/abandon", "");
        assertThat(abandoned.statusCode()).isEqualTo(200);
        assertThat(json.readTree(abandoned.body()).get("status").asString()).isEqualTo("ABANDONED");
        assertThat(postAsOperator("/api/jobs/executions/" + failedToo.get("id").asLong() + "/restart", "")
                .statusCode()).isEqualTo(409);
    }

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactionManager;

    @Test
    void aRunningExecutionIsStoppedAtItsNextSafePointAndRestarts() throws Exception {
        java.time.LocalDate date = YESTERDAY.minusDays(12);
        // a reader holds a row lock on one of the job's dates, so the job is still running when the stop arrives
        String location;
        try (HeldTransaction reader = HeldTransaction.open(transactionManager, () -> store.queryForList(
                "SELECT * FROM kpi_revenue_daily WHERE date = ? FOR UPDATE", date))) {
            HttpResponse<String> launch = postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\"" + date
                    + "\",\"rerun\":true}");
            assertThat(launch.statusCode()).isEqualTo(202);
            location = launch.headers().firstValue("Location").orElseThrow();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!json.readTree(get(location).body()).get("status").asString().equals("STARTED")
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            HttpResponse<String> stop = postAsOperator(location + "/stop", "");
            assertThat(stop.statusCode()).isEqualTo(202);
        }
        JsonNode stopped = awaitEnd(location);
        assertThat(stopped.get("status").asString()).isEqualTo("STOPPED");
        assertThat(stopped.get("steps").size()).isLessThan(4);
        HttpResponse<String> restarted = postAsOperator(location + "/restart", "");
        assertThat(restarted.statusCode()).isEqualTo(202);
        assertThat(awaitEnd(restarted.headers().firstValue("Location").orElseThrow()).get("status").asString())
                .isEqualTo("COMPLETED");
    }

    @Test
    void badRequestsAreProblemDetails() throws Exception {
        assertProblem(postAsOperator("/api/jobs/noSuchJob/executions", "{\"date\":\"2026-01-01\"}"), 404);
        assertProblem(postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\"2026-02-30\"}"), 400);
        assertProblem(postAsOperator("/api/jobs/kpiJob/executions", "{\"colour\":\"blue\"}"), 400);
        assertProblem(postAsOperator("/api/jobs/kpiJob/executions", "{}"), 400);
        assertProblem(postAsOperator("/api/jobs/kpiJob/executions", "[1,2]"), 400);
        assertProblem(postAsOperator("/api/jobs/kpiJob/executions", "{not json"), 400);
        assertProblem(postAsOperator("/api/jobs/abJob/executions", "{\"from\":\"2026-01-01\",\"to\":\"2026-01-02\"}"),
                400);
        // retrain is nightlyJob's parameter alone; its value must be a boolean
        HttpResponse<String> retrain = postAsOperator("/api/jobs/mlJob/executions",
                "{\"date\":\"2026-11-20\",\"retrain\":true}");
        assertProblem(retrain, 400);
        assertThat(retrain.body()).contains("unknown parameter(s) [retrain]");
        assertProblem(postAsOperator("/api/jobs/nightlyJob/executions", "{\"date\":\"2026-11-20\",\"retrain\":\"yes\"}"),
                400);
        assertProblem(send(HttpRequest.newBuilder(uri("/api/jobs/kpiJob/executions"))
                .header("Content-Type", "text/plain").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("date=2026-01-01"))), 415);
        assertProblem(send(HttpRequest.newBuilder(uri("/api/jobs")).header("Authorization", "Bearer " + TOKEN)
                .DELETE()), 405);
        assertProblem(get("/api/jobs/executions/999999"), 404);
        assertProblem(get("/api/jobs/executions/abc"), 400);
        assertProblem(get("/api/jobs/executions?status=bogus"), 400);
        assertProblem(get("/api/jobs/executions?size=1000"), 400);
        assertProblem(get("/api/jobs/executions?job=noSuchJob"), 404);
        assertProblem(postAsOperator("/api/jobs/executions/999999/restart", ""), 404);
    }

    @Test
    void oneHundredConcurrentIdenticalLaunchesMakeExactlyOneExecution() throws Exception {
        String body = "{\"date\":\"" + YESTERDAY.minusDays(20) + "\"}";
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Callable<Integer> launch = () -> {
                    start.await();
                    return postAsOperator("/api/jobs/kpiJob/executions", body).statusCode();
                };
                results.add(pool.submit(launch));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 202).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(99);
        } finally {
            pool.shutdownNow();
        }
        Integer executions = store.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p"
                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID ="
                + " e.JOB_INSTANCE_ID WHERE i.JOB_NAME = 'kpiJob' AND p.PARAMETER_NAME = 'date' AND p.PARAMETER_VALUE = ?"
                + " AND NOT EXISTS (SELECT 1 FROM BATCH_JOB_EXECUTION_PARAMS q WHERE q.JOB_EXECUTION_ID ="
                + " e.JOB_EXECUTION_ID AND q.PARAMETER_NAME IN ('from', 'rerun'))", Integer.class,
                YESTERDAY.minusDays(20).toString());
        assertThat(executions).isEqualTo(1);
    }

    /**
     * An instance without an execution (its launcher was killed between Spring Batch's two transactions; made here by
     * deleting a completed run's execution rows) is launched again: 202, then COMPLETED on the same instance, after
     * a FAILED execution that says what happened. Before, the launch answered 500.
     */
    @Test
    void anInstanceWithoutAnExecutionIsRepairedAndLaunched() throws Exception {
        String body = "{\"date\":\"" + YESTERDAY.minusDays(6) + "\",\"from\":\"" + YESTERDAY.minusDays(7) + "\"}";
        HttpResponse<String> first = postAsOperator("/api/jobs/kpiJob/executions", body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        JsonNode completed = awaitEnd(first.headers().firstValue("Location").orElseThrow());
        assertThat(completed.get("status").asString()).isEqualTo("COMPLETED");
        long instance = completed.get("instanceId").asLong();
        String ofInstance = " IN (SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?)";
        store.update("DELETE FROM BATCH_STEP_EXECUTION_CONTEXT WHERE STEP_EXECUTION_ID IN (SELECT STEP_EXECUTION_ID"
                + " FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID" + ofInstance + ")", instance);
        for (String table : List.of("BATCH_STEP_EXECUTION", "BATCH_JOB_EXECUTION_CONTEXT",
                "BATCH_JOB_EXECUTION_PARAMS")) {
            store.update("DELETE FROM " + table + " WHERE JOB_EXECUTION_ID" + ofInstance, instance);
        }
        store.update("DELETE FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?", instance);

        HttpResponse<String> again = postAsOperator("/api/jobs/kpiJob/executions", body);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        JsonNode done = awaitEnd(again.headers().firstValue("Location").orElseThrow());
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("instanceId").asLong()).isEqualTo(instance);
        List<java.util.Map<String, Object>> executions = store.queryForList("SELECT STATUS, EXIT_MESSAGE FROM"
                + " BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ? ORDER BY JOB_EXECUTION_ID", instance);
        assertThat(executions).extracting(e -> e.get("STATUS")).containsExactly("FAILED", "COMPLETED");
        assertThat(executions.get(0).get("EXIT_MESSAGE")).isEqualTo(OrphanedInstances.NOTE);
    }

    private void assertProblem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("at io.execkpi").doesNotContain("Exception:");
    }
}
