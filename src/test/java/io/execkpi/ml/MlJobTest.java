package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.ml.model.Candidates;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * mlJob end to end on a small generated warehouse, with its S3 mirror pointed at an in-process s3proxy on loopback
 * (the real AWS SDK on both sides). In order:
 * <ol>
 * <li>a publish that fails (the runs folder is occupied by a file) is restarted: features, train, evaluate and
 * explain are not run again, the run is complete locally and in S3;</li>
 * <li>an empty local store restores that run from S3, byte for byte;</li>
 * <li>with the S3 server down, a new run still publishes locally and the publish step's exit description reports
 * the S3 failure; a restore attempt fails softly.</li>
 * </ol>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MlJobTest {

    static final LocalDate D = LocalDate.of(2025, 6, 30);
    static final String BUCKET = "execkpi-artifacts";
    static final String PREFIX = "team/execkpi";

    static LocalS3 s3;
    static Path artifacts;
    static String firstRunId;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        s3 = LocalS3.start();
        Path dir = TestData.newDataDir("ml-job");
        artifacts = dir.resolve("artifacts");
        registry.add("execkpi.data-dir", dir::toString);
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
        registry.add("execkpi.thelook.start", () -> "2025-01-01");
        registry.add("execkpi.thelook.scale", () -> "0.1");
        registry.add("execkpi.artifacts.dir", artifacts::toString);
        registry.add("execkpi.artifacts.s3.bucket", () -> BUCKET);
        registry.add("execkpi.artifacts.s3.prefix", () -> "/" + PREFIX + "/");
        registry.add("execkpi.artifacts.s3.endpoint", s3::endpoint);
        registry.add("execkpi.artifacts.s3.region", () -> "us-east-1");
        registry.add("execkpi.artifacts.s3.access-key", () -> LocalS3.ACCESS_KEY);
        registry.add("execkpi.artifacts.s3.secret-key", () -> LocalS3.SECRET_KEY);
        registry.add("execkpi.artifacts.s3.path-style", () -> "true");
        registry.add("execkpi.artifacts.s3.attempts", () -> "2");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @Autowired
    JobRunner jobRunner;
    @Autowired
    EmbeddedWarehouse embeddedWarehouse;
    @Autowired
    MlArtifactStore store;
    @Autowired
    JdbcTemplate results;

    @Test
    @Order(1)
    void aFailedPublishIsRestartedWithoutRetrainingAndEndsComplete() throws Exception {
        embeddedWarehouse.ensureGeneratedThrough(D);
        s3.createBucket(BUCKET);
        Path runs = artifacts.resolve("ml/runs");
        Files.createDirectories(runs.getParent());
        Files.writeString(runs, "occupied: publish cannot create the runs folder");

        JobRequest request = new JobRequest(D, null, false);
        JobExecution first = jobRunner.run(MlJobConfiguration.JOB_NAME, request);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(steps(first)).containsExactly("features:COMPLETED", "train:COMPLETED", "evaluate:COMPLETED",
                "explain:COMPLETED", "publish:FAILED");
        assertThat(store.latest()).isEmpty();
        assertThat(s3.keys(BUCKET)).isEmpty();

        Files.delete(runs);
        JobExecution restarted = jobRunner.run(MlJobConfiguration.JOB_NAME, request);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstanceId()).isEqualTo(first.getJobInstanceId());
        assertThat(steps(restarted)).containsExactly("publish:COMPLETED", "score:COMPLETED");
        // train ran once for this job instance, in the first execution
        assertThat(results.queryForObject("SELECT COUNT(*) FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION j"
                + " ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID WHERE j.JOB_INSTANCE_ID = ? AND s.STEP_NAME = 'train'",
                Long.class, first.getJobInstanceId())).isEqualTo(1L);

        // complete outputs: the run folder holds exactly the artifacts, latest points at it, scores are stored
        firstRunId = store.latest().orElseThrow().runId();
        assertThat(firstRunId).startsWith(D + "_");
        Path run = store.runDir(firstRunId);
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .isEqualTo(MlArtifactStore.ARTIFACTS.stream().sorted().toList());
        }
        JsonNode metrics = MlJson.MAPPER.readTree(run.resolve(MlArtifactStore.METRICS).toFile());
        assertThat(metrics.get("runId").asString()).isEqualTo(firstRunId);
        assertThat(metrics.get("businessDate").asString()).isEqualTo(D.toString());
        assertThat(metrics.get("cutoff").asString()).isEqualTo("2025-06-16T00:00:00Z");
        MetricsInvariants.assertConsistent(metrics);
        assertThat(metrics.get("auc").asDouble()).as("better than chance").isGreaterThan(0.5);
        assertThat(metrics.get("candidates")).extracting(c -> c.get("name").asString())
                .containsExactlyInAnyOrderElementsOf(Candidates.NAMES);
        assertThat(MlJson.MAPPER.readTree(run.resolve(MlArtifactStore.SHAP).toFile()).get("runId").asString())
                .isEqualTo(firstRunId);
        assertThat(Files.readString(run.resolve(MlArtifactStore.MODEL_CARD))).contains(firstRunId, "2025-06-16");
        assertThat(Files.readString(run.resolve(MlArtifactStore.PROVENANCE))).contains("XGBoost");
        assertThat(store.stagingDir(first.getJobInstanceId())).doesNotExist();
        assertThat(results.queryForObject("SELECT COUNT(*) FROM ml_scores WHERE business_date = ? AND run_id = ?",
                Long.class, D, firstRunId)).isPositive();
        assertThat(results.queryForList("SELECT DISTINCT decile FROM ml_scores WHERE business_date = ? ORDER BY 1",
                Integer.class, D)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

        // mirrored under the prefix: the run folder and the pointer, identical bytes
        List<String> expectedKeys = new java.util.ArrayList<>(MlArtifactStore.ARTIFACTS.stream()
                .map(name -> PREFIX + "/ml/runs/" + firstRunId + "/" + name).toList());
        expectedKeys.add(PREFIX + "/ml/latest.json");
        assertThat(s3.keys(BUCKET)).containsExactlyInAnyOrderElementsOf(expectedKeys);
        for (String name : MlArtifactStore.ARTIFACTS) {
            assertThat(s3.get(BUCKET, PREFIX + "/ml/runs/" + firstRunId + "/" + name))
                    .isEqualTo(Files.readAllBytes(run.resolve(name)));
        }
        assertThat(publishDescription(restarted)).contains("uploaded").doesNotContain("FAILED");
    }

    @Test
    @Order(2)
    void anEmptyLocalStoreRestoresTheLatestRunFromS3() throws Exception {
        Path empty = TestData.newDataDir("ml-restore").resolve("artifacts");
        MlArtifactStore fresh = new MlArtifactStore(new ArtifactsProperties(empty, s3Settings()));
        MlArtifactStore.RestoreOutcome outcome = fresh.restoreFromS3IfEmpty();
        assertThat(outcome.restored()).contains(firstRunId);
        assertThat(fresh.latest().orElseThrow().runId()).isEqualTo(firstRunId);
        for (String name : MlArtifactStore.ARTIFACTS) {
            assertThat(Files.readAllBytes(fresh.runDir(firstRunId).resolve(name)))
                    .isEqualTo(Files.readAllBytes(store.runDir(firstRunId).resolve(name)));
        }
        // a store that has a latest run is left alone
        assertThat(fresh.restoreFromS3IfEmpty().restored()).isEmpty();
        assertThat(store.restoreFromS3IfEmpty().restored()).isEmpty();
        fresh.close();
    }

    @Test
    @Order(3)
    void withS3DownTheRunStillPublishesLocallyAndTheStepReportsTheFailure() throws Exception {
        s3.stop();
        JobExecution rerun = jobRunner.run(MlJobConfiguration.JOB_NAME, new JobRequest(D, null, true));
        assertThat(rerun.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String secondRunId = store.latest().orElseThrow().runId();
        assertThat(secondRunId).isNotEqualTo(firstRunId);
        assertThat(store.runIds()).containsExactly(secondRunId, firstRunId);
        for (String name : MlArtifactStore.ARTIFACTS) {
            assertThat(store.artifact(secondRunId, name)).isPresent();
        }
        assertThat(publishDescription(rerun)).contains("S3 mirror", "FAILED", "after 2 attempts",
                "local run is complete");
        assertThat(results.queryForObject("SELECT COUNT(DISTINCT run_id) FROM ml_scores WHERE business_date = ?",
                Long.class, D)).isEqualTo(1L);
        assertThat(results.queryForObject("SELECT MAX(run_id) FROM ml_scores WHERE business_date = ?",
                String.class, D)).isEqualTo(secondRunId);

        // restoring while S3 is down fails softly
        Path empty = TestData.newDataDir("ml-restore-down").resolve("artifacts");
        MlArtifactStore fresh = new MlArtifactStore(new ArtifactsProperties(empty, s3Settings()));
        MlArtifactStore.RestoreOutcome outcome = fresh.restoreFromS3IfEmpty();
        assertThat(outcome.restored()).isEmpty();
        assertThat(outcome.message()).contains("failed");
        assertThat(fresh.latest()).isEmpty();
        fresh.close();
    }

    private static ArtifactsProperties.S3 s3Settings() {
        return new ArtifactsProperties.S3(BUCKET, PREFIX, s3.endpoint(), "us-east-1", LocalS3.ACCESS_KEY,
                LocalS3.SECRET_KEY, true, 2);
    }

    private static List<String> steps(JobExecution execution) {
        return execution.getStepExecutions().stream()
                .sorted(java.util.Comparator.comparingLong(StepExecution::getId))
                .map(s -> s.getStepName() + ":" + s.getStatus()).toList();
    }

    private static String publishDescription(JobExecution execution) {
        return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals("publish")).findFirst()
                .orElseThrow().getExitStatus().getExitDescription();
    }
}
