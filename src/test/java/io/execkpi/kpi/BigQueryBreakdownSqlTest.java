package io.execkpi.kpi;

import io.execkpi.warehouse.FixtureTables;
import io.execkpi.warehouse.Warehouse;
import io.execkpi.warehouse.ZetaSqlWarehouse;

/**
 * {@link BreakdownSqlTest} on sql/bigquery: the same composed query over the BigQuery facts and dimension files,
 * executed by ZetaSQL's reference implementation on the same fixture, with the same hand values.
 */
class BigQueryBreakdownSqlTest extends BreakdownSqlTest {

    @Override
    Warehouse warehouseOf(FixtureTables tables) {
        return new ZetaSqlWarehouse(tables, true);
    }
}
