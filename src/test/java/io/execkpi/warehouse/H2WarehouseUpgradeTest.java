package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A data folder from a version whose warehouse was H2 ({@code warehouse.mv.db} beside the results store): the next
 * start replaces it by the DuckDB warehouse, regenerated from the start date the H2 warehouse recorded, and keeps the
 * results store and the job history.
 */
class H2WarehouseUpgradeTest {

    static final LocalDate THROUGH = LocalDate.of(2025, 2, 10);

    static ConfigurableApplicationContext start(Path dir, String... more) {
        String[] args = {"--execkpi.data-dir=" + dir, "--execkpi.artifacts.dir=" + dir.resolve("artifacts"),
                "--execkpi.thelook.scale=0.1", "--execkpi.bootstrap.enabled=false", "--execkpi.schedule.nightly=-"};
        return new SpringApplicationBuilder(ExecKpiApplication.class).web(WebApplicationType.NONE)
                .run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                        .toArray(String[]::new));
    }

    @Test
    void anH2WarehouseIsReplacedByDuckDbAndTheStoreAndJobHistoryAreKept() throws Exception {
        Path dir = TestData.newDataDir("upgrade");
        long execution;
        // the store and job history of the earlier version (written here by the current one: the store is the same)
        try (ConfigurableApplicationContext app = start(dir, "--execkpi.thelook.start=2025-02-01")) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(THROUGH);
            execution = app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(THROUGH, THROUGH, false)).getId();
        }
        Files.delete(dir.resolve("warehouse.duckdb"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("warehouse"), "sa", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE thelook_meta (id INTEGER PRIMARY KEY, seed BIGINT NOT NULL, scale DOUBLE"
                    + " PRECISION NOT NULL, start_date DATE NOT NULL, last_generated DATE)");
            st.execute("INSERT INTO thelook_meta VALUES (1, 20240101, 0.1, DATE '2025-01-20', DATE '2025-02-09')");
        }
        assertThat(dir.resolve("warehouse.mv.db")).exists();

        // no configured start now: the generator takes the replaced H2 warehouse's recorded start
        try (ConfigurableApplicationContext app = start(dir)) {
            app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(THROUGH);
            assertThat(dir.resolve("warehouse.mv.db")).doesNotExist();
            JdbcTemplate warehouse = new JdbcTemplate(app.getBean(WarehouseConfiguration.WarehouseConnection.class)
                    .dataSource());
            assertThat(warehouse.queryForObject("SELECT start_date FROM thelook_meta", LocalDate.class))
                    .isEqualTo(LocalDate.of(2025, 1, 20));
            assertThat(warehouse.queryForObject("SELECT CAST(MIN(created_at) AS DATE) FROM events", LocalDate.class))
                    .isEqualTo(LocalDate.of(2025, 1, 20));
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            assertThat(store.queryForObject("SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?",
                    String.class, execution)).isEqualTo("COMPLETED");
            assertThat(io.execkpi.support.Ledger.kpisOn(store, THROUGH)).isEqualTo(app.getBean(io.execkpi.kpi.KpiCatalog.class).all().size());
            assertThat(app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(THROUGH, THROUGH, true)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        }
    }
}
