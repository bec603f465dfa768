package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.execkpi.support.Ledger;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The materialization ledger stored as spans of business dates (migration V10): a run records its dates as one row,
 * a later run cuts older rows around its dates, a run over exactly the dates of a row updates it in place. Read back
 * per date through {@link KpiResultsRepository#lineage}, {@link KpiResultsRepository#firstMissingDate} and
 * {@link KpiResultsRepository#latestDate}, and straight from the table ({@link Ledger}). On the H2 store, and on
 * PostgreSQL with the {@code postgres-store} profile. Expected spans are worked out by hand in each step's comment
 * (dates are days of January 2001; A..F are executions 1..6).
 */
class KpiLedgerSpansTest {

    static LocalDate jan(int day) {
        return LocalDate.of(2001, 1, day);
    }

    @Test
    void runsCutOlderSpansAroundTheirDatesAndEveryDateNamesItsLastRun() throws Exception {
        Path dir = TestData.newDataDir("kpi-ledger");
        try (ConfigurableApplicationContext app = TestApps.start(dir, "2025-01-01", "0.01")) {
            KpiResultsRepository results = app.getBean(KpiResultsRepository.class);
            KpiDefinition revenue = app.getBean(KpiCatalog.class).find("revenue_daily").orElseThrow();
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            TransactionTemplate tx = new TransactionTemplate(app.getBean(PlatformTransactionManager.class));
            store.update("DELETE FROM kpi_materialization WHERE kpi = 'revenue_daily'");
            Run run = (from, to, execution) -> tx.executeWithoutResult(s -> results.replace(revenue, from, to,
                    List.of(), from, to, execution));

            // A over 1..10: one row
            run.over(jan(1), jan(10), 1);
            assertThat(spans(store)).containsExactly("1..10 by 1");
            // B over 4..6: A keeps 1..3 and 7..10
            run.over(jan(4), jan(6), 2);
            assertThat(spans(store)).containsExactly("1..3 by 1", "4..6 by 2", "7..10 by 1");
            assertThat(Ledger.executions(store, "revenue_daily", jan(1), jan(10)))
                    .containsExactly(1L, 1L, 1L, 2L, 2L, 2L, 1L, 1L, 1L, 1L);
            // the KPI page's lineage table: A's dates in two parts around B's, not one range 1..10 of 7 dates
            assertThat(app.getBean(KpiReads.class).lineage(new KpiReads.Range(revenue, jan(1), jan(31)))).extracting(
                    e -> e.jobExecutionId() + ": " + e.firstDate().getDayOfMonth() + ".." + e.lastDate().getDayOfMonth()
                            + " (" + e.dates() + ")").containsExactly("1: 1..3 (3)", "2: 4..6 (3)", "1: 7..10 (4)");
            // C over 4..6 again: B's row updated in place
            run.over(jan(4), jan(6), 3);
            assertThat(spans(store)).containsExactly("1..3 by 1", "4..6 by 3", "7..10 by 1");
            // D over 6..12: C keeps 4..5, A's 7..10 is covered entirely
            run.over(jan(6), jan(12), 4);
            assertThat(spans(store)).containsExactly("1..3 by 1", "4..5 by 3", "6..12 by 4");
            // E over 14..15: 13 is a gap
            run.over(jan(14), jan(15), 5);
            assertThat(spans(store)).containsExactly("1..3 by 1", "4..5 by 3", "6..12 by 4", "14..15 by 5");

            // per date, as readers ask
            assertThat(results.lineage("revenue_daily", jan(2), jan(7))).extracting(
                    KpiResultsRepository.Lineage::businessDate, KpiResultsRepository.Lineage::jobExecutionId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(jan(2), 1L),
                            org.assertj.core.groups.Tuple.tuple(jan(3), 1L),
                            org.assertj.core.groups.Tuple.tuple(jan(4), 3L),
                            org.assertj.core.groups.Tuple.tuple(jan(5), 3L),
                            org.assertj.core.groups.Tuple.tuple(jan(6), 4L),
                            org.assertj.core.groups.Tuple.tuple(jan(7), 4L));
            assertThat(results.lineage("revenue_daily", jan(12), jan(16)))
                    .extracting(KpiResultsRepository.Lineage::businessDate).containsExactly(jan(12), jan(14), jan(15));
            assertThat(results.firstMissingDate("revenue_daily", jan(1), jan(20))).contains(jan(13));
            assertThat(results.firstMissingDate("revenue_daily", jan(2), jan(12))).isEmpty();
            assertThat(results.firstMissingDate("revenue_daily", jan(14), jan(20))).contains(jan(16));
            assertThat(results.firstMissingDate("revenue_daily", jan(16), jan(20))).contains(jan(16));
            assertThat(results.latestDate("revenue_daily")).isEqualTo(Optional.of(jan(15)));
            assertThat(results.latestDates()).containsEntry("revenue_daily", jan(15));

            // F over 2..14 cuts A at both ends: 1 before, 15 after stay
            run.over(jan(2), jan(14), 6);
            assertThat(spans(store)).containsExactly("1..1 by 1", "2..14 by 6", "15..15 by 5");
            // the whole range: one row
            run.over(jan(1), jan(20), 7);
            assertThat(spans(store)).containsExactly("1..20 by 7");
            assertThat(results.firstMissingDate("revenue_daily", jan(1), jan(20))).isEmpty();
            assertThat(Ledger.count(store, "revenue_daily", 7L)).isEqualTo(20);
        }
    }

    interface Run {
        void over(LocalDate from, LocalDate to, long execution);
    }

    /** The ledger rows of revenue_daily as "first..last by execution" (days of January 2001), by first date. */
    static List<String> spans(JdbcTemplate store) {
        return store.queryForList("SELECT first_date, business_date, job_execution_id FROM kpi_materialization"
                + " WHERE kpi = 'revenue_daily' ORDER BY first_date").stream().map(KpiLedgerSpansTest::span).toList();
    }

    private static String span(Map<String, Object> row) {
        return date(row.get("first_date")).getDayOfMonth() + ".." + date(row.get("business_date")).getDayOfMonth()
                + " by " + ((Number) row.get("job_execution_id")).longValue();
    }

    private static LocalDate date(Object value) {
        return value instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) value;
    }
}
