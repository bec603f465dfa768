package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link KpiResultsRepository#replace} writes only what changed: stored rows equal to the new ones (values as the
 * warehouse returns them: BigDecimal sums, Long counts) stay in place, a changed row is updated, a row the query no
 * longer returns is deleted. Counted by an H2 row trigger on the KPI's table; what readers get is checked row by row.
 * The ledger names the run for every date it materialized.
 */
class KpiReplaceWritesOnlyChangesTest {

    static final LocalDate D1 = LocalDate.of(2025, 3, 1);
    static final LocalDate D2 = D1.plusDays(1);
    static final LocalDate D3 = D1.plusDays(2);

    static Map<String, Object> row(LocalDate date, long orders, long items, String revenue, String aov) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("date", date);
        row.put("orders", orders);
        row.put("items", items);
        row.put("revenue", new BigDecimal(revenue));
        row.put("aov", aov == null ? null : new BigDecimal(aov));
        return row;
    }

    @Test
    void aRerunOverUnchangedDataRewritesNoRowAndAChangeRewritesOnlyItsRow() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(io.execkpi.support.PostgresStoreForTests.active(),
                "counts rows with an H2 trigger: runs on the H2 store (the postgres-store profile does not include it)");
        Path dir = TestData.newDataDir("kpi-replace-diff");
        try (ConfigurableApplicationContext app = TestApps.start(dir, "2025-01-01", "0.01")) {
            KpiResultsRepository results = app.getBean(KpiResultsRepository.class);
            KpiDefinition revenue = app.getBean(KpiCatalog.class).find("revenue_daily").orElseThrow();
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            TransactionTemplate tx = new TransactionTemplate(app.getBean(PlatformTransactionManager.class));
            store.execute("CREATE TRIGGER count_revenue_rows AFTER INSERT, UPDATE, DELETE ON kpi_revenue_daily FOR EACH ROW"
                    + " CALL \"" + RowCountingTrigger.class.getName() + "\"");

            List<Map<String, Object>> first = List.of(row(D1, 2, 3, "45.50", "22.75"), row(D2, 0, 0, "0", null),
                    row(D3, 1, 1, "8.00", "8.00"));
            replace(tx, results, revenue, first, 1);
            assertThat(RowCountingTrigger.INSERTED.get()).isEqualTo(3);
            assertThat(RowCountingTrigger.UPDATED.get()).isZero();
            assertThat(RowCountingTrigger.DELETED.get()).isZero();

            // the same rows again: nothing written, nothing lost
            replace(tx, results, revenue, first, 2);
            assertThat(RowCountingTrigger.INSERTED.get()).isZero();
            assertThat(RowCountingTrigger.UPDATED.get()).isZero();
            assertThat(RowCountingTrigger.DELETED.get()).isZero();
            assertThat(results.read(revenue, D1, D3)).extracting(r -> r.get("date") + " " + r.get("orders") + " "
                    + r.get("revenue") + " " + r.get("aov")).containsExactly("2025-03-01 2 45.5 22.75",
                    "2025-03-02 0 0.0 null", "2025-03-03 1 8.0 8.0");
            // the ledger names the second run for every date all the same
            assertThat(results.lineage("revenue_daily", D1, D3)).extracting(KpiResultsRepository.Lineage::jobExecutionId)
                    .containsExactly(2L, 2L, 2L);

            // 03-02 gets an order, 03-03 is no longer returned: one row updated, one deleted
            replace(tx, results, revenue, List.of(row(D1, 2, 3, "45.50", "22.75"), row(D2, 1, 2, "12.00", "12.00")),
                    3);
            assertThat(RowCountingTrigger.INSERTED.get()).isZero();
            assertThat(RowCountingTrigger.UPDATED.get()).isEqualTo(1);
            assertThat(RowCountingTrigger.DELETED.get()).isEqualTo(1);
            assertThat(results.read(revenue, D1, D3)).extracting(r -> r.get("date") + " " + r.get("orders") + " "
                    + r.get("revenue") + " " + r.get("aov")).containsExactly("2025-03-01 2 45.5 22.75",
                    "2025-03-02 1 12.0 12.0");
        }
    }

    private static void replace(TransactionTemplate tx, KpiResultsRepository results, KpiDefinition kpi,
                                List<Map<String, Object>> rows, long execution) {
        RowCountingTrigger.INSERTED.set(0);
        RowCountingTrigger.UPDATED.set(0);
        RowCountingTrigger.DELETED.set(0);
        tx.executeWithoutResult(status -> results.replace(kpi, D1, D3, rows, D1, D3, execution));
    }
}
