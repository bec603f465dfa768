package io.execkpi.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Data-quality results stored as spans of business dates (migration V9) read back exactly as one result per date
 * and check: equal results of consecutive dates share a row, a later result for some dates cuts the older span
 * around them, other dates keep what they had. On the H2 store, and on PostgreSQL with the {@code postgres-store}
 * profile. The expected rows and answers are worked out by hand in each step's comment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityResultsRepositoryTest {

    static final String KPI = "revenue_daily";
    static final String TEST = "not_null(orders)";
    static final Instant AT = Instant.parse("2025-03-11T02:00:00Z");

    ConfigurableApplicationContext app;
    QualityResultsRepository results;
    JdbcTemplate store;

    @BeforeAll
    void start() throws Exception {
        Path dir = TestData.newDataDir("quality-spans");
        app = TestApps.start(dir, "2025-01-01", "0.01");
        results = app.getBean(QualityResultsRepository.class);
        store = app.getBean(JdbcTemplate.class);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @BeforeEach
    void empty() {
        store.update("DELETE FROM quality_result");
    }

    static LocalDate d(int day) {
        return LocalDate.of(2025, 3, day);
    }

    static QualityResult pass(int day, long execution) {
        return new QualityResult(KPI, d(day), TEST, "test", QualityResult.PASS, 0.0, "test " + TEST + " passed",
                execution, AT);
    }

    static List<QualityResult> passes(int first, int last, long execution) {
        List<QualityResult> out = new ArrayList<>();
        for (int day = first; day <= last; day++) {
            out.add(pass(day, execution));
        }
        return out;
    }

    static QualityResult warn(int day, long execution) {
        return new QualityResult(KPI, d(day), TEST, "test", QualityResult.WARN, 2.0,
                "test " + TEST + " failed on 2 rows of " + d(day), execution, AT);
    }

    /** The stored spans of the test check, "first..last status execution", by first date. */
    List<String> spans() {
        return store.query("SELECT first_date, business_date, status, job_execution_id FROM quality_result"
                + " WHERE kpi = ? AND check_name = ? ORDER BY first_date", (rs, n) -> rs.getObject(1, LocalDate.class)
                + ".." + rs.getObject(2, LocalDate.class) + " " + rs.getString(3) + " " + rs.getLong(4), KPI, TEST);
    }

    /** What a reader gets for the date: "status execution" of the test check, or "none". */
    String readAt(int day) {
        List<QualityResult> found = results.forDate(d(day)).stream().filter(r -> r.check().equals(TEST)).toList();
        assertThat(found).as("one result per check and date").hasSizeLessThanOrEqualTo(1);
        found.forEach(r -> assertThat(r.businessDate()).isEqualTo(d(day)));
        return found.isEmpty() ? "none" : found.getFirst().status() + " " + found.getFirst().jobExecutionId();
    }

    @Test
    void equalResultsOfConsecutiveDatesShareOneRowAndReadBackPerDate() {
        results.save(passes(1, 10, 7), () -> { });

        assertThat(spans()).containsExactly("2025-03-01..2025-03-10 pass 7");
        assertThat(readAt(1)).isEqualTo("pass 7");
        assertThat(readAt(5)).isEqualTo("pass 7");
        assertThat(readAt(10)).isEqualTo("pass 7");
        assertThat(readAt(11)).isEqualTo("none");
        QualityResult read = results.forDate(d(5)).getFirst();
        assertThat(read.message()).isEqualTo("test " + TEST + " passed");
        assertThat(read.observed()).isEqualTo(0.0);
        assertThat(read.checkedAt()).isEqualTo(AT);
        assertThat(results.latestDate()).contains(d(10));

        // the same dates checked again by a later run: still one row, now naming that run
        results.save(passes(1, 10, 8), () -> { });
        assertThat(spans()).containsExactly("2025-03-01..2025-03-10 pass 8");
        assertThat(readAt(1)).isEqualTo("pass 8");
    }

    @Test
    void aLaterResultCutsTheOlderSpanAroundItsDates() {
        results.save(passes(1, 10, 7), () -> { });
        // a rerun of 03-04..03-05 finds failures: 03-01..03-03 and 03-06..03-10 keep execution 7's pass
        results.save(List.of(warn(4, 8), warn(5, 8)), () -> { });

        // the two warnings differ in their message (each names its date): a row each
        assertThat(spans()).containsExactly("2025-03-01..2025-03-03 pass 7", "2025-03-04..2025-03-04 warn 8",
                "2025-03-05..2025-03-05 warn 8", "2025-03-06..2025-03-10 pass 7");
        assertThat(List.of(readAt(3), readAt(4), readAt(5), readAt(6)))
                .containsExactly("pass 7", "warn 8", "warn 8", "pass 7");

        // a save of 03-02 and 03-05 only (a gap between them): 03-03 and 03-04 keep what they had
        results.save(List.of(pass(2, 9), pass(5, 9)), () -> { });
        assertThat(spans()).containsExactly("2025-03-01..2025-03-01 pass 7", "2025-03-02..2025-03-02 pass 9",
                "2025-03-03..2025-03-03 pass 7", "2025-03-04..2025-03-04 warn 8", "2025-03-05..2025-03-05 pass 9",
                "2025-03-06..2025-03-10 pass 7");

        // a span inside an older one splits it in two; the whole range again leaves one row
        results.save(passes(7, 8, 10), () -> { });
        assertThat(spans()).contains("2025-03-06..2025-03-06 pass 7", "2025-03-07..2025-03-08 pass 10",
                "2025-03-09..2025-03-10 pass 7");
        results.save(passes(1, 10, 11), () -> { });
        assertThat(spans()).containsExactly("2025-03-01..2025-03-10 pass 11");
    }

    @Test
    void anErrorCountsForItsOwnDateAndKindOnly() {
        results.save(passes(1, 10, 7), () -> { });
        results.save(List.of(new QualityResult(KPI, d(10), "freshness(orders)", "freshness", QualityResult.ERROR,
                300.0, "source `orders` is late", 7, AT)), () -> { });

        assertThat(results.hasError(d(10), "freshness")).isTrue();
        assertThat(results.hasError(d(9), "freshness")).isFalse();
        assertThat(results.hasError(d(10), "test")).isFalse();
        assertThat(results.forDate(d(10))).extracting(QualityResult::check)
                .containsExactly("freshness(orders)", TEST);
    }

    @Test
    void twoResultsForTheSameDateAndCheckAreRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> results.save(List.of(pass(3, 7), warn(3, 7)), () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2025-03-03");
        assertThat(spans()).isEmpty();
    }

    @Test
    void concurrentSavesOfOverlappingDatesNeverLeaveTwoResultsForADate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                CountDownLatch go = new CountDownLatch(1);
                long a = 100 + 2L * round;
                long b = a + 1;
                Future<?> first = pool.submit(() -> {
                    go.await();
                    results.save(passes(1, 6, a), () -> { });
                    return null;
                });
                Future<?> second = pool.submit(() -> {
                    go.await();
                    results.save(passes(4, 10, b), () -> { });
                    return null;
                });
                go.countDown();
                first.get();
                second.get();
                // whichever committed last owns 03-04..03-06; every date has exactly one result (readAt checks it)
                String overlap = readAt(5);
                assertThat(overlap).isIn("pass " + a, "pass " + b);
                for (int day = 1; day <= 10; day++) {
                    String expected = day <= 3 ? "pass " + a : day >= 7 ? "pass " + b : overlap;
                    assertThat(readAt(day)).as("round %d, 2025-03-%02d", round, day).isEqualTo(expected);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
