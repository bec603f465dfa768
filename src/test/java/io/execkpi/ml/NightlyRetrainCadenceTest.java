package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.ml.features.FeatureTable;
import io.execkpi.ml.features.MlFeatures;
import io.execkpi.ml.model.MlSettings;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.Warehouse;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/**
 * The nightly retraining cadence (execkpi.ml.retrain-every-days = 7) on a small generated warehouse, in order: a
 * model published by mlJob for D; nightlyJob for D and D+2 score with it (no new run; the scores equal the published
 * model's own stored predictions of D, and a recomputation with the model file for D+2); retrain=true retrains on
 * D+3; a failed score-only night restarts into the same mlScoreJob instance; D+10 (7 days after D+3) retrains.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyRetrainCadenceTest {

    static final LocalDate D = LocalDate.of(2025, 6, 20);
    static String firstRunId;
    static String retrainedRunId;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dir = TestData.newDataDir("ml-cadence");
        registry.add("execkpi.data-dir", dir::toString);
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
        registry.add("execkpi.thelook.start", () -> "2025-01-01");
        registry.add("execkpi.thelook.scale", () -> "0.1");
        registry.add("execkpi.artifacts.dir", () -> dir.resolve("artifacts").toString());
        registry.add("execkpi.ml.retrain-every-days", () -> "7");
    }

    @Autowired
    JobRunner jobRunner;
    @Autowired
    EmbeddedWarehouse embeddedWarehouse;
    @Autowired
    Warehouse warehouse;
    @Autowired
    MlSettings settings;
    @Autowired
    MlArtifactStore store;
    @Autowired
    JdbcTemplate results;

    record Row(double propensity, int decile, String runId, long jobExecutionId) {
    }

    @Test
    @Order(1)
    void aNightWithAFreshModelScoresWithItAndEqualsItsOwnStoredPredictions() throws Exception {
        embeddedWarehouse.ensureGeneratedThrough(D.plusDays(10));
        JobExecution ml = jobRunner.run(MlJobConfiguration.JOB_NAME, new JobRequest(D, null, false));
        assertThat(ml.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        firstRunId = store.latest().orElseThrow().runId();
        Map<Long, Row> published = scores(D);
        assertThat(published).isNotEmpty();
        assertThat(published.values()).allMatch(r -> r.runId().equals(firstRunId) && r.jobExecutionId() == ml.getId());

        // nightly for D itself: the model is 0 days old → score-only; mlJob for D is not run again either way
        JobExecution night = nightly(D, false);
        assertThat(night.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(store.runIds()).containsExactly(firstRunId);
        long scoreExecution = lastExecution(MlJobConfiguration.SCORE_JOB_NAME, D);
        Map<Long, Row> rescored = scores(D);
        assertThat(rescored.keySet()).isEqualTo(published.keySet());
        for (Map.Entry<Long, Row> e : published.entrySet()) {
            Row again = rescored.get(e.getKey());
            assertThat(again.propensity()).isEqualTo(e.getValue().propensity());
            assertThat(again.decile()).isEqualTo(e.getValue().decile());
            assertThat(again.runId()).isEqualTo(firstRunId);
            assertThat(again.jobExecutionId()).isEqualTo(scoreExecution);
        }
        assertThat(mlStepDescription(night)).contains("ran mlScoreJob", firstRunId, "0 day(s) old");
    }

    @Test
    @Order(2)
    void twoDaysLaterTheNightScoresWithThePublishedModelFile() throws Exception {
        LocalDate date = D.plusDays(2);
        JobExecution night = nightly(date, false);
        assertThat(night.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(store.runIds()).containsExactly(firstRunId);
        assertThat(count("mlJob", date)).isZero();
        assertThat(count("mlScoreJob", date)).isEqualTo(1);

        // independently of the step: the published model file, Tribuo's own predict, the active users before date
        Model<?> model = Model.deserializeFromFile(store.runDir(firstRunId).resolve(MlArtifactStore.MODEL));
        LocalDateTime cutoff = date.atStartOfDay();
        FeatureTable table = MlFeatures.extract(warehouse, cutoff, cutoff, settings.scoring().activeDays());
        String[] names = MlFeatures.NAMES.toArray(String[]::new);
        Map<Long, Double> expected = new HashMap<>();
        for (int i = 0; i < table.size(); i++) {
            if (table.active()[i]) {
                @SuppressWarnings("unchecked")
                Prediction<Label> p = ((Model<Label>) model).predict(
                        new ArrayExample<>(new Label("0"), names, table.values()[i]));
                expected.put(table.userIds()[i], p.getOutputScores().get("1").getScore());
            }
        }
        Map<Long, Row> stored = scores(date);
        assertThat(stored.keySet()).isEqualTo(expected.keySet());
        expected.forEach((user, p) -> assertThat(stored.get(user).propensity()).isCloseTo(p, within(1e-12)));
        assertThat(stored.values()).allMatch(r -> r.runId().equals(firstRunId));
        // decile 1 holds the ranks r (0-based, descending propensity) with r * 10 / n < 1, i.e. the ceil(n / 10)
        // highest propensities: its lowest one is the ceil(n / 10)-th highest
        List<Double> sorted = new ArrayList<>(expected.values());
        sorted.sort(java.util.Comparator.reverseOrder());
        double tenthHighest = sorted.get((sorted.size() + 9) / 10 - 1);
        assertThat(stored.values().stream().filter(r -> r.decile() == 1).mapToDouble(Row::propensity).min()
                .orElseThrow()).isEqualTo(tenthHighest);
        assertThat(mlStepDescription(night)).contains("ran mlScoreJob", "2 day(s) old");
    }

    @Test
    @Order(3)
    void retrainTrueRetrainsAFreshModel() throws Exception {
        LocalDate date = D.plusDays(3);
        JobExecution night = nightly(date, true);
        assertThat(night.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        retrainedRunId = store.latest().orElseThrow().runId();
        assertThat(retrainedRunId).isNotEqualTo(firstRunId).startsWith(date + "_");
        assertThat(store.runIds()).containsExactly(retrainedRunId, firstRunId);
        assertThat(count("mlScoreJob", date)).isZero();
        assertThat(scores(date).values()).allMatch(r -> r.runId().equals(retrainedRunId));
        assertThat(mlStepDescription(night)).contains("ran mlJob", "retrain=true");
    }

    @Test
    @Order(4)
    void aFailedScoreOnlyNightRestartsIntoTheSameMlScoreJob() throws Exception {
        LocalDate date = D.plusDays(4);
        Path modelFile = store.runDir(retrainedRunId).resolve(MlArtifactStore.MODEL);
        byte[] model = Files.readAllBytes(modelFile);
        Files.writeString(modelFile, "damaged");
        JobExecution failed = nightly(date, false);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(scores(date)).isEmpty();

        Files.write(modelFile, model);
        // the restart resumes the job the failed attempt chose: with the model card gone the run is incomplete and a
        // fresh choice would be mlJob, but the saved choice (mlScoreJob) only needs the model file
        Path card = store.runDir(retrainedRunId).resolve(MlArtifactStore.MODEL_CARD);
        byte[] cardBytes = Files.readAllBytes(card);
        Files.delete(card);
        JobExecution restarted = nightly(date, false);
        Files.write(card, cardBytes);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstanceId()).isEqualTo(failed.getJobInstanceId());
        assertThat(count("mlScoreJob", date)).as("one instance, failed then restarted").isEqualTo(2);
        assertThat(results.queryForObject("SELECT COUNT(DISTINCT i.JOB_INSTANCE_ID) FROM BATCH_JOB_INSTANCE i"
                + " JOIN BATCH_JOB_EXECUTION e ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID JOIN BATCH_JOB_EXECUTION_PARAMS p"
                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE i.JOB_NAME = 'mlScoreJob'"
                + " AND p.PARAMETER_NAME = 'date' AND p.PARAMETER_VALUE = ?", Long.class, date.toString())).isEqualTo(1L);
        assertThat(count("mlJob", date)).isZero();
        assertThat(store.runIds()).containsExactly(retrainedRunId, firstRunId);
        assertThat(scores(date).values()).isNotEmpty().allMatch(r -> r.runId().equals(retrainedRunId));
    }

    @Test
    @Order(5)
    void aNightSevenDaysAfterThePublishedModelRetrains() throws Exception {
        LocalDate date = D.plusDays(10);
        JobExecution night = nightly(date, false);
        assertThat(night.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String runId = store.latest().orElseThrow().runId();
        assertThat(runId).isNotIn(firstRunId, retrainedRunId).startsWith(date + "_");
        assertThat(count("mlJob", date)).isEqualTo(1);
        assertThat(count("mlScoreJob", date)).isZero();
        assertThat(scores(date).values()).isNotEmpty().allMatch(r -> r.runId().equals(runId));
        assertThat(mlStepDescription(night)).contains("ran mlJob", "7 day(s) old", "due");
    }

    @Test
    @Order(6)
    void onlyNightlyJobTakesRetrain() {
        var parameters = new JobRequest(D, null, false, true);
        for (String job : List.of("kpiJob", MlJobConfiguration.JOB_NAME, MlJobConfiguration.SCORE_JOB_NAME)) {
            assertThatThrownBy(() -> jobRunner.run(job, parameters))
                    .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("retrain");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private JobExecution nightly(LocalDate date, boolean retrain) throws Exception {
        return jobRunner.run("nightlyJob", new JobRequest(date, null, false, retrain));
    }

    private Map<Long, Row> scores(LocalDate date) {
        Map<Long, Row> out = new HashMap<>();
        results.query("SELECT user_id, propensity, decile, run_id, job_execution_id FROM ml_scores"
                + " WHERE business_date = ?", rs -> {
                    out.put(rs.getLong(1), new Row(rs.getDouble(2), rs.getInt(3), rs.getString(4), rs.getLong(5)));
                }, date);
        return out;
    }

    private int count(String job, LocalDate date) {
        return results.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                + " ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID JOIN BATCH_JOB_EXECUTION_PARAMS p"
                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE i.JOB_NAME = ? AND p.PARAMETER_NAME = 'date'"
                + " AND p.PARAMETER_VALUE = ?", Integer.class, job, date.toString());
    }

    private long lastExecution(String job, LocalDate date) {
        return results.queryForObject("SELECT MAX(e.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                + " ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID JOIN BATCH_JOB_EXECUTION_PARAMS p"
                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE i.JOB_NAME = ? AND p.PARAMETER_NAME = 'date'"
                + " AND p.PARAMETER_VALUE = ?", Long.class, job, date.toString());
    }

    private static String mlStepDescription(JobExecution night) {
        return night.getStepExecutions().stream().filter(s -> s.getStepName().equals("ml"))
                .map(StepExecution::getExitStatus).map(s -> s.getExitDescription()).findFirst().orElse("");
    }
}
