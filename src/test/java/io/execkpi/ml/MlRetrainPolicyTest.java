package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;

/**
 * The cadence rule on a real artifact store: a model published for 2025-06-10 is 6 days old on 06-16 (scored with
 * it, cadence 7) and 7 days old on 06-17 (retrained); with cadence 1 every later night retrains.
 */
class MlRetrainPolicyTest {

    static final LocalDate PUBLISHED = LocalDate.of(2025, 6, 10);

    @Test
    void retrainsWhenMissingDueLaterOrAskedAndScoresOtherwise() throws Exception {
        MlArtifactStore store = store("policy");
        MlRetrainPolicy weekly = new MlRetrainPolicy(store, new MlProperties("classpath:jobs/ml.yml", 7));
        assertThat(weekly.choose(PUBLISHED, false).job()).as("no model yet").isEqualTo("mlJob");
        assertThat(weekly.choose(PUBLISHED, false).reason()).contains("no model");

        String runId = publish(store);
        assertThat(weekly.choose(PUBLISHED, false).job()).isEqualTo("mlScoreJob");
        assertThat(weekly.choose(PUBLISHED.plusDays(6), false).job()).isEqualTo("mlScoreJob");
        assertThat(weekly.choose(PUBLISHED.plusDays(6), false).reason()).contains(runId, "6 day(s) old");
        assertThat(weekly.choose(PUBLISHED.plusDays(7), false).job()).isEqualTo("mlJob");
        assertThat(weekly.choose(PUBLISHED.plusDays(7), false).reason()).contains("7 day(s) old", "due");
        assertThat(weekly.choose(PUBLISHED.plusDays(1), true).job()).as("retrain=true").isEqualTo("mlJob");
        assertThat(weekly.choose(PUBLISHED.minusDays(1), false).job()).as("model of a later date").isEqualTo("mlJob");

        MlRetrainPolicy nightly = new MlRetrainPolicy(store, new MlProperties("classpath:jobs/ml.yml", 1));
        assertThat(nightly.choose(PUBLISHED.plusDays(1), false).job()).isEqualTo("mlJob");
        assertThat(nightly.choose(PUBLISHED, false).job()).as("the model's own date").isEqualTo("mlScoreJob");

        Files.delete(store.runDir(runId).resolve(MlArtifactStore.MODEL));
        assertThat(weekly.choose(PUBLISHED.plusDays(1), false).job()).as("incomplete run").isEqualTo("mlJob");
    }

    @Test
    void aCadenceBelowOneDayIsRefused() {
        assertThatThrownBy(() -> new MlProperties("classpath:jobs/ml.yml", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retrain-every-days");
    }

    private static MlArtifactStore store(String name) {
        return new MlArtifactStore(new ArtifactsProperties(TestData.newDataDir(name).resolve("artifacts"),
                new ArtifactsProperties.S3("", "", "", "", "", "", false, 1)));
    }

    private static String publish(MlArtifactStore store) throws Exception {
        String runId = MlArtifactStore.newRunId(PUBLISHED, Instant.parse("2025-06-11T03:00:00Z"));
        Path source = Files.createTempDirectory("run");
        Map<String, Path> files = new HashMap<>();
        for (String artifact : MlArtifactStore.ARTIFACTS) {
            files.put(artifact, Files.writeString(source.resolve(artifact), artifact));
        }
        store.publish(new MlArtifactStore.LatestPointer(runId, PUBLISHED, "xgboost", Instant.now()), files);
        return runId;
    }
}
