package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The DDL that brings a KPI's results table to its catalog entry. */
class KpiResultTablesTest {

    static final KpiDefinition KPI = new KpiDefinition("by_source", "d", "by_source", KpiDefinition.Grain.DAILY,
            "date", null,
            List.of(new KpiDefinition.Column("date", "date", "k"), new KpiDefinition.Column("source", "text", "k")),
            List.of(new KpiDefinition.Column("orders", "integer", "v"),
                    new KpiDefinition.Column("share", "decimal", "v"),
                    new KpiDefinition.Column("flag", "boolean", "v")), null, null, null, null, null);

    @Test
    void aMissingTableIsCreatedWithItsKeyAsPrimaryKey() {
        assertThat(KpiResultTables.statements(KPI, Set.of())).containsExactly(
                "CREATE TABLE IF NOT EXISTS kpi_by_source (date DATE NOT NULL, source VARCHAR(255) NOT NULL,"
                        + " orders BIGINT, share DOUBLE PRECISION, flag BOOLEAN, PRIMARY KEY (date, source))");
    }

    @Test
    void newValueColumnsAreAddedAndColumnsNoLongerListedAreLeftAlone() {
        assertThat(KpiResultTables.statements(KPI, Set.of("date", "source", "orders", "old_column")))
                .containsExactly("ALTER TABLE kpi_by_source ADD COLUMN IF NOT EXISTS share DOUBLE PRECISION",
                        "ALTER TABLE kpi_by_source ADD COLUMN IF NOT EXISTS flag BOOLEAN");
        assertThat(KpiResultTables.statements(KPI, Set.of("date", "source", "orders", "share", "flag"))).isEmpty();
    }

    @Test
    void aNewKeyColumnOnAnExistingTableIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> KpiResultTables.statements(KPI, Set.of("date", "orders")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key column(s) [source]")
                .hasMessageContaining("drop that table");
    }
}
