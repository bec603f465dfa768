package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.ChildJvm;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A child JVM ({@link OrphanKillChild}) is killed with SIGKILL right after Spring Batch committed a new kpiJob
 * instance and before its first execution: the job repository holds an instance without an execution. The same
 * launch in a new process then completes on that instance (after a FAILED execution that records the kill), where it
 * used to fail for good with "Cannot find any job execution for job instance".
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class OrphanKillTest {

    static final LocalDate DATE = LocalDate.of(2025, 2, 10);

    @Test
    void aKillBetweenInstanceAndExecutionRestartsCleanly() throws Exception {
        Path dir = TestData.newDataDir("orphan-kill");
        List<String> childArgs = new ArrayList<>(List.of(DATE.toString(), "--execkpi.data-dir=" + dir,
                "--execkpi.artifacts.dir=" + dir.resolve("artifacts"), "--execkpi.thelook.start=2025-01-01",
                "--execkpi.thelook.scale=0.02", "--execkpi.bootstrap.enabled=false", "--execkpi.schedule.nightly=-"));
        Process child = ChildJvm.start(dir, OrphanKillChild.class, childArgs);
        // SIGKILL in the window: the instance committed, its first execution not created
        String at = ChildJvm.killAt(child, line -> line.startsWith("instance "), line -> { });
        assertThat(at).as("the child reached the window").isNotNull();
        long instance = Long.parseLong(at.substring("instance ".length()).strip());
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        try (ConfigurableApplicationContext app = TestApps.start(dir, "2025-01-01", "0.02")) {
            JdbcTemplate store = app.getBean(JdbcTemplate.class);
            // what the kill left: the instance, no execution
            assertThat(store.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE WHERE JOB_INSTANCE_ID = ?",
                    Integer.class, instance)).isEqualTo(1);
            assertThat(store.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION", Integer.class)).isZero();

            JobExecution run = app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME,
                    new JobRequest(DATE, DATE, false));
            assertThat(run.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(run.getJobInstanceId()).isEqualTo(instance);
            assertThat(store.queryForList("SELECT STATUS FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID",
                    String.class)).containsExactly("FAILED", "COMPLETED");
            assertThat(store.queryForObject("SELECT COUNT(*) FROM kpi_revenue_daily WHERE date = ?", Integer.class,
                    DATE)).isEqualTo(1);
        }
    }
}
