package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
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
 * Crash safety with a real {@code kill -9}: a child JVM ({@link MlJobChild}) runs mlJob on the default embedded stores
 * and sends itself {@code kill -9} after the publish step's work (run folder moved into place, latest.json written,
 * staging folder removed) but before the job repository records anything of the step's end: the state that made
 * every restart fail in the issue. The application started again on the same directories recovers the execution, and
 * the restart ends COMPLETED with exactly the killed run published with every artifact, the latest pointer on it, the
 * date's scores stored from that run, and the model trained once.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class MlPublishKillTest {

    static final String START = "2025-01-01";
    static final String SCALE = "0.1";
    static final LocalDate D = LocalDate.of(2025, 6, 30);

    @Test
    void mlJobKilledRightAfterThePublishMoveCompletesOnRestart() throws Exception {
        Path dir = TestData.newDataDir("ml-kill");
        Path runs = dir.resolve("artifacts").resolve("ml").resolve("runs");
        Process child = ChildJvm.start(dir, MlJobChild.class, List.of(dir.toString(), D.toString()));
        List<String> said = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("killing before") || line.startsWith("ended ")) {
                    said.add(line);
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(said).as("child output").containsExactly("killing before the publish step is recorded");
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        List<String> moved;
        try (Stream<Path> entries = Files.list(runs)) {
            moved = entries.map(p -> p.getFileName().toString()).filter(MlArtifactStore::isRunId).toList();
        }
        assertThat(moved).as("the run folder was moved into place").hasSize(1);
        String killedRun = moved.get(0);

        try (ConfigurableApplicationContext app = TestApps.start(dir, START, SCALE,
                "--execkpi.schedule.stale-after=0s")) { // the dead child's execution, also in a shared store
            assertThat(app.getBean(JobLifecycle.class).recoverDeadExecutions()).isEqualTo(1);
            JobExecution restarted = app.getBean(JobRunner.class).run(MlJobConfiguration.JOB_NAME,
                    new JobRequest(D, null, false));
            assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            MlArtifactStore store = app.getBean(MlArtifactStore.class);
            assertThat(store.runIds()).containsExactly(killedRun);
            String runId = killedRun;
            assertThat(store.latest().orElseThrow().runId()).isEqualTo(runId);
            assertThat(store.isPublished(runId)).isTrue();
            try (Stream<Path> files = Files.list(store.runDir(runId))) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                        .isEqualTo(MlArtifactStore.ARTIFACTS.stream().sorted().toList());
            }
            assertThat(MlJson.MAPPER.readTree(store.runDir(runId).resolve(MlArtifactStore.METRICS).toFile())
                    .get("runId").asString()).isEqualTo(runId);
            assertThat(store.stagingDir(restarted.getJobInstanceId())).doesNotExist();
            JdbcTemplate results = app.getBean(JdbcTemplate.class);
            assertThat(results.queryForList("SELECT DISTINCT run_id FROM ml_scores WHERE business_date = ?",
                    String.class, D)).containsExactly(runId);
            assertThat(results.queryForObject("SELECT COUNT(DISTINCT decile) FROM ml_scores WHERE business_date = ?",
                    Integer.class, D)).isEqualTo(10);
            assertThat(results.queryForObject("SELECT COUNT(*) FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION j"
                    + " ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID WHERE j.JOB_INSTANCE_ID = ? AND s.STEP_NAME = 'train'",
                    Long.class, restarted.getJobInstanceId())).isEqualTo(1L);
        }
    }
}
