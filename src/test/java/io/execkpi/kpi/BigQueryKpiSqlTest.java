package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.common.hash.Hashing;

import io.execkpi.warehouse.FixtureTables;
import io.execkpi.warehouse.Warehouse;
import io.execkpi.warehouse.ZetaSqlWarehouse;

import org.junit.jupiter.api.Test;

/**
 * The production KPI SQL ({@code sql/bigquery/}) executed offline by ZetaSQL's reference implementation on the same
 * hand-written fixture as the DuckDB dialect, asserting the same hand-computed values: every test of
 * {@link KpiSqlTest} runs here with {@code ab_metrics} reading an experiments dataset. The A/A fallback of
 * {@code ab_metrics} (no experiments dataset), which only the BigQuery dialect has, is tested here alone.
 */
class BigQueryKpiSqlTest extends KpiSqlTest {

    @Override
    Warehouse warehouseOf(FixtureTables tables) {
        return new ZetaSqlWarehouse(tables, true);
    }

    @Test
    void abMetricsWithoutAnExperimentsDatasetSplitsUsersByTheParityOfTheirFarmFingerprint() {
        // FARM_FINGERPRINT('1'..'4') by Guava's FarmHash Fingerprint64 (an implementation independent of ZetaSQL):
        // -9142586270102516767, 6920640749119438759, -6455268178307048695, -3919889686402291073: all odd, so every
        // user is in 'treatment' (MOD of a negative odd number is -1, not 0) and 'control' is an arm without users
        assertThat(List.of("1", "2", "3", "4")).map(id -> Hashing.farmHashFingerprint64()
                .hashString(id, StandardCharsets.UTF_8).asLong()).containsExactly(-9142586270102516767L,
                6920640749119438759L, -6455268178307048695L, -3919889686402291073L);
        List<Map<String, Object>> rows = new ArrayList<>();
        new ZetaSqlWarehouse(fixtureTables(), false).query("ab_metrics",
                Map.of("from", d("2025-01-06"), "to", d("2025-01-08"), "capped_from", d("2025-01-02")), rows::add);
        assertThat(rows).extracting(KpiSqlTest::abRow).containsExactly(
                // aa_hash_split starts on the first signup's day (01-06); users are assigned at signup: u2 08:00 and
                // u1 10:00 on 01-06 (u4 01-12, u3 01-13 come later). 01-06: orders 1 (u1, 25.50) and 2 (u2, 20.00,
                // 23:59:59): 45.50, 25.5^2 + 20^2 = 1050.25
                "2025-01-06 aa_hash_split control true w1.0 0 0 0.0 0.0",
                "2025-01-06 aa_hash_split treatment false w1.0 2 2 45.5 1050.25",
                // 01-07: order 7 (u2, 8.00): u2 28.00 -> 53.50, 650.25 + 784 = 1434.25
                "2025-01-07 aa_hash_split control true w1.0 0 0 0.0 0.0",
                "2025-01-07 aa_hash_split treatment false w1.0 2 2 53.5 1434.25",
                // 01-08: orders 4 (40.00) and 8 (12.00) of u1: u1 77.50 -> 105.50, 6006.25 + 784 = 6790.25
                "2025-01-08 aa_hash_split control true w1.0 0 0 0.0 0.0",
                "2025-01-08 aa_hash_split treatment false w1.0 2 2 105.5 6790.25");
    }
}
