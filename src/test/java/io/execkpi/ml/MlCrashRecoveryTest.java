package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.support.TestApps;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code mlJob}'s publish and score steps are safe to run again after a crash at any instant. A
 * {@code kill -9} can land after a step's side effect (run folder moved into place, staging folder removed, scores
 * written) but before the job repository recorded the step's completion, or between a step's completion and the save
 * of the job's execution context. Each test reproduces such a state on the repository and the artifact folder of a
 * completed run (what the killed process leaves: its execution and the lost steps STARTED), lets start-up recovery
 * mark it FAILED, and restarts it: the restart ends COMPLETED, publish and score run again from the published run
 * folder, and the artifacts, the latest pointer and the scores equal those of the clean run (byte for byte, row for
 * row). Before the fix, the first case failed on every restart (the staging folder partly deleted: metrics.json gone).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MlCrashRecoveryTest {

    static final LocalDate D = LocalDate.of(2025, 6, 30);
    static final JobRequest REQUEST = new JobRequest(D, null, false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestApps.register(registry, TestData.newDataDir("ml-crash"), "2025-01-01", "0.1");
        // with a shared store (the PostgreSQL run of the suite) only the staleness rule tells a dead execution from a
        // live one: every running execution here is dead
        registry.add("execkpi.schedule.stale-after", () -> "0s");
    }

    @Autowired
    JobRunner jobRunner;
    @Autowired
    JobLifecycle lifecycle;
    @Autowired
    JobRepository repository;
    @Autowired
    EmbeddedWarehouse embeddedWarehouse;
    @Autowired
    MlArtifactStore store;
    @Autowired
    JdbcTemplate results;

    /** The clean run's outcome, which every recovery must reproduce. */
    static long instanceId;
    static String runId;
    static Map<String, byte[]> artifacts;
    static List<Map<String, Object>> scores;

    @Test
    @Order(1)
    void aCleanRun() throws Exception {
        embeddedWarehouse.ensureGeneratedThrough(D);
        JobExecution clean = jobRunner.run(MlJobConfiguration.JOB_NAME, REQUEST);
        assertThat(clean.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        instanceId = clean.getJobInstanceId();
        runId = store.latest().orElseThrow().runId();
        artifacts = artifactBytes();
        scores = scores();
        assertThat(scores).hasSizeGreaterThan(100);
    }

    @Test
    @Order(2)
    void killedWhileRemovingTheStagingFolderAfterTheMove() throws Exception {
        JobExecution crashed = lastExecution();
        // the publish moved the run into place and pointed latest at it, then died deleting the staging folder
        // (deleted in reverse path order: training.json, shap, provenance, models, model card, metrics.json went
        // first, features.csv is left); the score step had begun writing rows
        Path staging = store.stagingDir(instanceId);
        Files.createDirectories(staging);
        Files.writeString(staging.resolve(MlSteps.FEATURES_FILE), "left over\n");
        results.update("DELETE FROM ml_scores WHERE business_date = ? AND MOD(user_id, 2) = 0", D);
        loseCompletion(crashed, "publish", "score");

        JobExecution restarted = recoverAndRestart(crashed);
        assertThat(steps(restarted)).containsExactly("publish:COMPLETED", "score:COMPLETED");
        assertThat(description(restarted, "publish")).contains("run " + runId + " was already published");
        assertRunAsClean();
        assertThat(staging).doesNotExist();
    }

    @Test
    @Order(3)
    void killedAfterTheMoveBeforeTheLatestPointer() throws Exception {
        JobExecution crashed = lastExecution();
        // the run folder exists, latest.json was not written yet, a temporary folder of the copy is left beside the
        // runs, the staging folder is whole (the publish did not get to delete it)
        Files.delete(store.root().resolve("latest.json"));
        Path staging = store.stagingDir(instanceId);
        Files.createDirectories(staging);
        for (String name : List.of(MlArtifactStore.METRICS, MlArtifactStore.SHAP)) {
            Files.copy(store.runDir(runId).resolve(name), staging.resolve(name));
        }
        Path tmp = Files.createDirectory(store.runDir(runId).resolveSibling(".tmp-" + runId + "-4711"));
        Files.writeString(tmp.resolve(MlArtifactStore.MODEL), "half a model");
        loseCompletion(crashed, "publish", "score");

        JobExecution restarted = recoverAndRestart(crashed);
        assertThat(steps(restarted)).containsExactly("publish:COMPLETED", "score:COMPLETED");
        assertRunAsClean();
        assertThat(staging).doesNotExist();
        assertThat(tmp).doesNotExist();
    }

    @Test
    @Order(4)
    void killedBetweenAStepsCompletionAndTheSaveOfTheJobContext() throws Exception {
        JobExecution crashed = lastExecution();
        // publish completed, but the job context saved after it lost every value the steps share (run id, cutoff,
        // chosen model), and the score step was running
        crashed.getExecutionContext().remove("ml.runId");
        crashed.getExecutionContext().remove("ml.cutoff");
        crashed.getExecutionContext().remove("ml.labelEnd");
        crashed.getExecutionContext().remove("ml.model");
        repository.updateExecutionContext(crashed);
        assertThat(repository.getJobExecution(crashed.getId()).getExecutionContext().containsKey("ml.runId")).isFalse();
        loseCompletion(crashed, "score");

        JobExecution restarted = recoverAndRestart(crashed);
        assertThat(steps(restarted)).containsExactly("score:COMPLETED");
        assertRunAsClean();
    }

    private JobExecution recoverAndRestart(JobExecution crashed) throws Exception {
        assertThat(lifecycle.recoverDeadExecutions()).isEqualTo(1);
        assertThat(repository.getJobExecution(crashed.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
        JobExecution restarted = jobRunner.run(MlJobConfiguration.JOB_NAME, REQUEST);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstanceId()).isEqualTo(instanceId);
        return restarted;
    }

    private void assertRunAsClean() throws Exception {
        assertThat(store.runIds()).containsExactly(runId);
        assertThat(store.latest().orElseThrow().runId()).isEqualTo(runId);
        assertThat(artifactBytes()).containsOnlyKeys(artifacts.keySet());
        artifacts.forEach((name, bytes) -> assertThat(store.artifact(runId, name).map(MlCrashRecoveryTest::read))
                .as(name).hasValue(bytes));
        assertThat(scores()).isEqualTo(scores);
        // train ran once for the instance: no recovery retrained
        assertThat(results.queryForObject("SELECT COUNT(*) FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION j"
                + " ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID WHERE j.JOB_INSTANCE_ID = ? AND s.STEP_NAME = 'train'",
                Long.class, instanceId)).isEqualTo(1L);
    }

    /** What a kill -9 leaves when the steps' completions were not recorded: the execution and the steps STARTED. */
    private void loseCompletion(JobExecution execution, String... stepNames) {
        results.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'UNKNOWN', END_TIME = NULL"
                + " WHERE JOB_EXECUTION_ID = ?", execution.getId());
        for (String step : stepNames) {
            int updated = results.update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'EXECUTING',"
                    + " END_TIME = NULL WHERE STEP_EXECUTION_ID = (SELECT MAX(STEP_EXECUTION_ID) FROM"
                    + " BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION j ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID"
                    + " WHERE j.JOB_INSTANCE_ID = ? AND s.STEP_NAME = ?)", instanceId, step);
            assertThat(updated).isEqualTo(1);
        }
    }

    private JobExecution lastExecution() {
        return repository.getLastJobExecution(MlJobConfiguration.JOB_NAME, REQUEST.toJobParameters());
    }

    private Map<String, byte[]> artifactBytes() throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (var files = Files.list(store.runDir(runId))) {
            for (Path file : files.sorted().toList()) {
                out.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return out;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<Map<String, Object>> scores() {
        return results.queryForList("SELECT user_id, run_id, propensity, decile FROM ml_scores WHERE business_date = ?"
                + " ORDER BY user_id", D);
    }

    private static List<String> steps(JobExecution execution) {
        return execution.getStepExecutions().stream().sorted(Comparator.comparingLong(StepExecution::getId))
                .map(s -> s.getStepName() + ":" + s.getStatus()).toList();
    }

    private static String description(JobExecution execution, String step) {
        return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals(step)).findFirst()
                .orElseThrow().getExitStatus().getExitDescription();
    }
}
