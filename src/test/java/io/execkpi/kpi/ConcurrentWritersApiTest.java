package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.execkpi.support.AppTestBase;
import io.execkpi.support.HeldTransaction;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;

/**
 * Concurrent writers of the same KPI partitions: they are serialized by the KPI's write lock instead
 * of colliding on keys, so every launch ends COMPLETED or is refused with 409; a rerun of a date that is running is
 * a 409.
 */
class ConcurrentWritersApiTest extends AppTestBase {

    @Autowired
    JdbcTemplate store;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    KpiResultsRepository results;
    @Autowired
    KpiCatalog catalog;

    @Test
    void aSecondWriterOfTheSamePartitionsWaitsForTheFirstInsteadOfCollidingOnKeys() throws Exception {
        KpiDefinition kpi = catalog.find("revenue_daily").orElseThrow();
        LocalDate day = LocalDate.of(2001, 1, 1);
        CountDownLatch firstWrote = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Long> first = pool.submit(() -> new TransactionTemplate(transactionManager).execute(status -> {
                results.replace(kpi, day, day.plusDays(2), rows(day, 1), day, day.plusDays(2), 1);
                firstWrote.countDown();
                sleep(1500); // uncommitted rows of all three dates, and the lock, held for 1.5 s
                return System.nanoTime();
            }));
            assertThat(firstWrote.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Long> second = pool.submit(() -> new TransactionTemplate(transactionManager).execute(status -> {
                results.replace(kpi, day, day.plusDays(2), rows(day, 2), day, day.plusDays(2), 2);
                return System.nanoTime();
            }));
            long firstCommitted = first.get(30, TimeUnit.SECONDS);
            long secondCommitted = second.get(30, TimeUnit.SECONDS); // no DuplicateKeyException
            assertThat(secondCommitted).isGreaterThan(firstCommitted);
        } finally {
            pool.shutdownNow();
        }
        // the later writer's rows, once per date
        assertThat(store.queryForList("SELECT orders FROM kpi_revenue_daily WHERE date BETWEEN ? AND ? ORDER BY date",
                Long.class, day, day.plusDays(2))).containsExactly(2L, 2L, 2L);
        assertThat(io.execkpi.support.Ledger.executions(store, "revenue_daily", day, day.plusDays(2)))
                .containsExactly(2L, 2L, 2L);
        store.update("DELETE FROM kpi_revenue_daily WHERE date BETWEEN ? AND ?", day, day.plusDays(2));
        store.update("DELETE FROM kpi_materialization WHERE kpi = 'revenue_daily' AND business_date >= ?"
                + " AND first_date <= ?", day, day.plusDays(2));
    }

    @Test
    void tenSimultaneousRerunsOfOneDateEndCompletedOr409() throws Exception {
        LocalDate date = YESTERDAY.minusDays(3);
        List<HttpResponse<String>> responses = launchAtOnce(List.of(date, date, date, date, date, date, date, date,
                date, date));
        List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
        assertThat(statuses).containsOnly(202, 409).contains(202);
        for (HttpResponse<String> response : responses) {
            if (response.statusCode() == 409) {
                assertThat(json.readTree(response.body()).get("detail").asString()).contains("already running");
            } else {
                assertThat(awaitEnd(response).get("status").asString()).as(response.body()).isEqualTo("COMPLETED");
            }
        }
    }

    @Test
    void tenSimultaneousRerunsOfOverlappingDatesAllComplete() throws Exception {
        List<LocalDate> dates = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            dates.add(YESTERDAY.minusDays(25 + i)); // lookback 2: each run rewrites two dates of its neighbours
        }
        for (HttpResponse<String> response : launchAtOnce(dates)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(awaitEnd(response).get("status").asString()).as(response.body()).isEqualTo("COMPLETED");
        }
    }

    @Test
    void aRerunOfADateThatIsRunningIs409AndAnotherDateWaitsItsTurn() throws Exception {
        LocalDate date = YESTERDAY.minusDays(15);
        HttpResponse<String> running;
        HttpResponse<String> other;
        // another writer holds revenue_daily's write lock: a run of the date stays running meanwhile
        try (HeldTransaction writer = HeldTransaction.open(transactionManager,
                () -> results.lockForWrite("revenue_daily"))) {
            running = postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\"" + date + "\",\"rerun\":true}");
            assertThat(running.statusCode()).isEqualTo(202);
            for (String body : List.of("{\"date\":\"" + date + "\",\"rerun\":true}",
                    "{\"from\":\"" + date.minusDays(5) + "\",\"to\":\"" + date + "\",\"rerun\":true}")) {
                HttpResponse<String> again = postAsOperator("/api/jobs/kpiJob/executions", body);
                assertThat(again.statusCode()).as(body).isEqualTo(409);
                assertThat(again.headers().firstValue("Content-Type").orElseThrow())
                        .startsWith("application/problem+json");
                assertThat(json.readTree(again.body()).get("detail").asString()).contains("already running");
            }
            other = postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\"" + date.plusDays(1)
                    + "\",\"rerun\":true}");
            assertThat(other.statusCode()).isEqualTo(202);
            Thread.sleep(3000); // longer than H2's default lock timeout (2 s): waiting writers must not give up
            assertThat(json.readTree(get(location(running)).body()).get("status").asString()).isEqualTo("STARTED");
        }
        assertThat(awaitEnd(running).get("status").asString()).isEqualTo("COMPLETED");
        assertThat(awaitEnd(other).get("status").asString()).isEqualTo("COMPLETED");
    }

    private List<HttpResponse<String>> launchAtOnce(List<LocalDate> dates) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(dates.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (LocalDate date : dates) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return postAsOperator("/api/jobs/kpiJob/executions", "{\"date\":\"" + date
                            + "\",\"rerun\":true}");
                }));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                responses.add(f.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow();
    }

    private JsonNode awaitEnd(HttpResponse<String> launched) throws Exception {
        return awaitEnd(location(launched));
    }

    private static List<Map<String, Object>> rows(LocalDate from, long orders) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("date", from.plusDays(i));
            row.put("orders", orders);
            row.put("items", orders);
            row.put("revenue", 10.0 * orders);
            row.put("aov", 10.0);
            rows.add(row);
        }
        return rows;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
