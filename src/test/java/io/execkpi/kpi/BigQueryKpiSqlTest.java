package io.execkpi.kpi;

import io.execkpi.warehouse.FixtureTables;
import io.execkpi.warehouse.Warehouse;
import io.execkpi.warehouse.ZetaSqlWarehouse;

/**
 * The production KPI SQL ({@code sql/bigquery/}) executed offline by ZetaSQL's reference implementation on the same
 * hand-written fixture as the DuckDB dialect, asserting the same hand-computed values: every test of
 * {@link KpiSqlTest} runs here with {@code ab_metrics} reading an experiments dataset.
 */
class BigQueryKpiSqlTest extends KpiSqlTest {

    @Override
    Warehouse warehouseOf(FixtureTables tables) {
        return new ZetaSqlWarehouse(tables, true);
    }
}
