package io.execkpi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * PostgreSQL as job repository and results store, switched by configuration only: the migrations create the schema
 * once, a second start runs cleanly against it, and a job runs. Skipped (visibly) without EXECKPI_TEST_POSTGRES_URL.
 */
@EnabledIfEnvironmentVariable(named = "EXECKPI_TEST_POSTGRES_URL", matches = ".+",
        disabledReason = "set EXECKPI_TEST_POSTGRES_URL (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)")
class PostgresStoreTest {

    @Test
    void migrationsRunOnceAndTheStoreServesJobs() throws Exception {
        Path dir = TestData.newDataDir("pg");
        String url = PostgresStoreForTests.schemaUrl(System.getenv(PostgresStoreForTests.URL_ENV), dir.toString());
        String[] args = {"--execkpi.data-dir=" + dir, "--execkpi.store.jdbc-url=" + url,
                "--execkpi.store.username=postgres", "--execkpi.store.password=", "--execkpi.bootstrap.enabled=false",
                "--execkpi.schedule.nightly=-", "--execkpi.thelook.start=2025-01-01", "--execkpi.thelook.scale=0.02"};
        for (int start = 1; start <= 2; start++) {
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                    .web(WebApplicationType.NONE).run(args)) {
                JdbcTemplate store = app.getBean(JdbcTemplate.class);
                String product = store.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
                assertThat(product).isEqualTo("PostgreSQL");
                assertThat(store.queryForObject("SELECT COUNT(*) FROM flyway_schema_history WHERE success = false",
                        Integer.class)).isZero();
                assertThat(store.queryForObject("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1'",
                        Integer.class)).isEqualTo(1);
                if (start == 1) {
                    app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(LocalDate.of(2025, 2, 1));
                    assertThat(app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME,
                            new JobRequest(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 1, 20), false)).getStatus())
                            .isEqualTo(BatchStatus.COMPLETED);
                } else {
                    assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily", Integer.class))
                            .isEqualTo(13);
                }
            }
        }
    }
}
