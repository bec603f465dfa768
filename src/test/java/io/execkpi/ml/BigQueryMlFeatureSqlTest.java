package io.execkpi.ml;

import io.execkpi.warehouse.Warehouse;
import io.execkpi.warehouse.ZetaSqlWarehouse;

/**
 * The production feature query ({@code sql/bigquery/ml_features.sql}) executed offline by ZetaSQL's reference
 * implementation on the same hand-written rows as the DuckDB dialect: every test of {@link MlFeatureSqlTest}
 * (hand-computed feature values, leakage, the scoring population) runs here too.
 */
class BigQueryMlFeatureSqlTest extends MlFeatureSqlTest {

    @Override
    Warehouse warehouse() {
        return new ZetaSqlWarehouse(tables, false);
    }
}
