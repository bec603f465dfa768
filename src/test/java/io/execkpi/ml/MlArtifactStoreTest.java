package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.execkpi.ml.model.MlSettings;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;

/** The local artifact store without Spring: run ids, the allow-list, atomic publishing and the latest pointer. */
class MlArtifactStoreTest {

    Path dir;
    MlArtifactStore store;

    @BeforeEach
    void store() {
        dir = TestData.newDataDir("ml-store");
        store = new MlArtifactStore(new ArtifactsProperties(dir, new ArtifactsProperties.S3("", "", "", "", "", "",
                false, 3)));
    }

    @Test
    void runIdsAndArtifactNamesAreStrict() {
        String id = MlArtifactStore.newRunId(LocalDate.of(2026, 11, 24), Instant.parse("2026-11-25T03:15:02Z"));
        assertThat(id).isEqualTo("2026-11-24_20261125031502");
        assertThat(MlArtifactStore.isRunId(id)).isTrue();
        for (String bad : new String[] {"..", "../2026-11-24_20261125031502", "2026-11-24_20261125031502/..",
                "2026-11-24_2026112503150", "2026-11-24_20261125031502 ", "latest", "", null}) {
            assertThat(MlArtifactStore.isRunId(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThat(MlArtifactStore.ARTIFACTS).containsExactlyInAnyOrder("metrics.json", "shap_summary.json",
                "model.tribuo", "provenance.json", "model_card.md");
        assertThat(MlArtifactStore.isArtifact("../metrics.json")).isFalse();
        assertThat(MlArtifactStore.isArtifact("features.csv")).isFalse();
        assertThatThrownBy(() -> store.runDir("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.artifact("..", "metrics.json")).isEmpty();
    }

    @Test
    void publishMovesACompleteFolderIntoPlaceAndMovesLatestForwardOnly() throws Exception {
        String june = "2025-06-30_20250701000000";
        store.publish(pointer(june, "2025-06-30"), files("june"));
        assertThat(store.latest().orElseThrow().runId()).isEqualTo(june);
        assertThat(Files.readString(store.runDir(june).resolve("metrics.json"))).isEqualTo("{\"v\":\"june\"}");
        try (Stream<Path> entries = Files.list(dir.resolve("ml/runs"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(june); // no temporary left
        }

        // a backfill of an earlier business date is published but does not take latest
        String may = "2025-05-31_20250701000100";
        store.publish(pointer(may, "2025-05-31"), files("may"));
        assertThat(store.latest().orElseThrow().runId()).isEqualTo(june);
        assertThat(store.runIds()).containsExactly(june, may);

        // the same run again (a restarted publish) is fine; a different run under the same id is refused
        store.publish(pointer(june, "2025-06-30"), files("june"));
        assertThatThrownBy(() -> store.publish(pointer(june, "2025-06-30"), files("other")))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(store.runDir(june).resolve("metrics.json"))).isEqualTo("{\"v\":\"june\"}");
    }

    @Test
    void aFailedCopyLeavesNoRunAndNoPointer() throws Exception {
        Map<String, Path> files = files("broken");
        files.put(MlArtifactStore.MODEL, dir.resolve("missing.tribuo"));
        assertThatThrownBy(() -> store.publish(pointer("2025-06-30_20250701000000", "2025-06-30"), files))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(store.runIds()).isEmpty();
        assertThat(store.latest()).isEmpty();
        try (Stream<Path> entries = Files.list(dir.resolve("ml/runs"))) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void theS3MirrorIsOffWithoutABucket() {
        assertThat(store.mirror("2025-06-30_20250701000000").ok()).isTrue();
        assertThat(store.restoreFromS3IfEmpty().restored()).isEmpty();
    }

    @Test
    void theShippedModelSettingsAreValidAndTheLoaderRefusesBadOnes() throws Exception {
        // the shipped file binds and passes validation (its values are the team's choice, documented in the file)
        ClassPathResource shipped = new ClassPathResource("jobs/ml.yml");
        MlSettings.load(shipped);
        String text = shipped.getContentAsString(StandardCharsets.UTF_8);
        // each edit of one line makes the file invalid, and the error names the setting
        record Edit(String line, String replacement, String named) {
        }
        for (Edit edit : List.of(
                new Edit("(?m)^horizon-days: \\d+$", "horizon-days: 0", "horizon-days must be"),
                new Edit("(?m)^  test-fraction: [0-9.]+$", "  test-fraction: 1", "split.test-fraction must be"),
                new Edit("(?m)^  eta: [0-9.]+$", "  eta: 0", "xgboost.eta must be"),
                new Edit("(?m)^  tree-method: \\w+", "  tree-method: gpu", "xgboost.tree-method must be"),
                new Edit("(?m)^explain:\\n  max-rows: \\d+$", "explain:\n  max-rows: 0", "explain.max-rows must be"),
                new Edit("(?m)^training:\\n  max-rows: \\d+$", "training:\n  max-rows: 999", "training.max-rows must be >= 1000"),
                new Edit("(?m)^  active-days: \\d+$", "  active-days: 91", "scoring.active-days must be"),
                new Edit("(?m)^  active-days: \\d+$", "", "scoring.active-days must be"),
                new Edit("(?m)^explain:\\n  max-rows: (\\d+)$", "explain:\n  max-rows: $1\n  max-rowz: 10", "unknown setting explain.max-rowz"),
                new Edit("(?m)^horizon-days: \\d+$", "horizon-days: fourteen", "horizon-days must be of type int (value fourteen"),
                new Edit("(?m)^  threads: \\d+$", "  threads: 0", "xgboost.threads must be >= 1 (value 0"),
                new Edit("(?m)^explain:\\n  max-rows: \\d+\\n", "", "explain must be set"))) {
            String edited = text.replaceFirst(edit.line(), edit.replacement());
            assertThat(edited).as(edit.line()).isNotEqualTo(text);
            // one message for the operator, naming the key (the application fails to start with it)
            assertThatThrownBy(() -> MlSettings.load(new ByteArrayResource(edited.getBytes(StandardCharsets.UTF_8))))
                    .as(edit.replacement()).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("ml.yml: ").hasMessageContaining(edit.named());
        }
    }

    private static MlArtifactStore.LatestPointer pointer(String runId, String date) {
        return new MlArtifactStore.LatestPointer(runId, LocalDate.parse(date), "xgboost", Instant.now());
    }

    private Map<String, Path> files(String tag) throws Exception {
        Path src = Files.createTempDirectory(dir, "src-");
        Map<String, Path> files = new HashMap<>();
        for (String name : MlArtifactStore.ARTIFACTS) {
            Path file = src.resolve(name);
            Files.writeString(file, name.equals("metrics.json") ? "{\"v\":\"" + tag + "\"}" : tag + " " + name);
            files.put(name, file);
        }
        return files;
    }
}
