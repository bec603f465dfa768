package io.execkpi.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The model artifact store: {@code <execkpi.artifacts.dir>/ml/}
 * <pre>
 *   runs/&lt;run-id&gt;/   metrics.json, shap_summary.json, model.tribuo, provenance.json, model_card.md
 *   latest.json        {"runId", "businessDate", "model", "publishedAt"}: the run readers are served
 *   staging/&lt;job instance id&gt;/  intermediate files of a running mlJob (features, candidate models…)
 * </pre>
 * A run folder appears in one atomic rename of a completed temporary folder, and {@code latest.json} is replaced by
 * an atomic rename, so a reader never sees a partial run. The S3 mirror (when {@code execkpi.artifacts.s3.bucket} is
 * set) holds the same layout under {@code <prefix>/ml/}.
 *
 * <p>Run ids are {@code <business date>_<UTC yyyyMMddHHmmss of the first step>}, e.g. {@code 2026-11-24_20261125031502}:
 * they sort by business date then by start, and only names of exactly that form are accepted from a request, so a
 * run id can never address a path outside {@code runs/}.
 */
@Component
public class MlArtifactStore {

    public static final String METRICS = "metrics.json";
    public static final String SHAP = "shap_summary.json";
    public static final String MODEL = "model.tribuo";
    public static final String PROVENANCE = "provenance.json";
    public static final String MODEL_CARD = "model_card.md";
    /** The files of a run, in upload order (the metrics last: a run with metrics in S3 is complete). */
    public static final List<String> ARTIFACTS = List.of(MODEL, PROVENANCE, SHAP, MODEL_CARD, METRICS);

    private static final Pattern RUN_ID = Pattern.compile("\\d{4}-\\d{2}-\\d{2}_\\d{14}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final String LATEST = "latest.json";

    private static final Logger log = LoggerFactory.getLogger(MlArtifactStore.class);

    private final Path root;
    private final S3Mirror s3;

    public MlArtifactStore(ArtifactsProperties properties) {
        this.root = properties.dir().toAbsolutePath().normalize().resolve("ml");
        this.s3 = new S3Mirror(properties.s3());
    }

    @PreDestroy
    void close() {
        s3.close();
    }

    /** The pointer to the run readers are served. */
    public record LatestPointer(String runId, LocalDate businessDate, String model, Instant publishedAt) {
    }

    /** What happened to the S3 copy of a run: {@code ok} false only for a failure (off counts as ok). */
    public record MirrorOutcome(boolean ok, String message) {
    }

    /** What start-up restore did: {@code restored} is the run id brought back from S3, when any. */
    public record RestoreOutcome(Optional<String> restored, String message) {
    }

    public static String newRunId(LocalDate businessDate, Instant start) {
        return businessDate + "_" + STAMP.format(start);
    }

    public static boolean isRunId(String value) {
        return value != null && RUN_ID.matcher(value).matches();
    }

    public static boolean isArtifact(String name) {
        return name != null && ARTIFACTS.contains(name);
    }

    public Path root() {
        return root;
    }

    public Path stagingDir(long jobInstanceId) {
        return root.resolve("staging").resolve(Long.toString(jobInstanceId));
    }

    /** The folder of a run (which may not exist); only for a valid run id. */
    public Path runDir(String runId) {
        if (!isRunId(runId)) {
            throw new IllegalArgumentException("not a run id: " + runId);
        }
        return root.resolve("runs").resolve(runId);
    }

    // ---- publishing ------------------------------------------------------------------------------------------

    /**
     * Publishes a run: copies {@code files} (artifact name → source file, exactly {@link #ARTIFACTS}) into a temporary
     * folder beside the runs, renames it to {@code runs/<run-id>} atomically, then points {@code latest.json} at it
     * unless latest already serves a later business date. Publishing the same run again (a restart after a failure
     * past the rename) is a no-op for the folder; a different run under the same id is refused.
     */
    public synchronized void publish(LatestPointer pointer, Map<String, Path> files) throws IOException {
        if (!files.keySet().equals(Set.copyOf(ARTIFACTS))) {
            throw new IllegalArgumentException("a run consists of exactly " + ARTIFACTS + ", got " + files.keySet());
        }
        Path target = runDir(pointer.runId());
        Path runs = target.getParent();
        Files.createDirectories(runs);
        if (Files.isDirectory(target)) {
            if (!Arrays.equals(Files.readAllBytes(target.resolve(METRICS)), Files.readAllBytes(files.get(METRICS)))) {
                throw new FileAlreadyExistsException(target.toString(), null,
                        "a different run with this id is already published");
            }
            log.info("run {} was already moved into place; updating the latest pointer only", pointer.runId());
        } else {
            Path tmp = Files.createTempDirectory(runs, ".tmp-" + pointer.runId() + "-");
            try {
                for (String name : ARTIFACTS) {
                    Files.copy(files.get(name), tmp.resolve(name));
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteRecursively(tmp);
                throw e;
            }
        }
        pointLatestAt(pointer);
    }

    /**
     * Whether the run is published: its folder exists with every artifact. A run folder only ever appears by an atomic
     * rename of a complete temporary folder, so an existing folder is a complete run (the check of the files guards
     * against a folder damaged by hand).
     */
    public boolean isPublished(String runId) {
        Path dir = runDir(runId);
        return Files.isDirectory(dir) && ARTIFACTS.stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)));
    }

    /**
     * Points {@code latest.json} at a published run, unless it already points at that run or at a later business date
     * (then nothing changes). Idempotent: a publish redone after a crash calls it again safely. Also removes temporary
     * folders that a publish of this run interrupted by a crash left beside the runs.
     *
     * @throws IllegalStateException when the run is not published
     */
    public synchronized void pointLatestAt(LatestPointer pointer) throws IOException {
        if (!isPublished(pointer.runId())) {
            throw new IllegalStateException("run " + pointer.runId() + " is not published under " + runDir(pointer.runId()));
        }
        removeTemporaryFolders(pointer.runId());
        Optional<LatestPointer> current = latest();
        if (current.isPresent() && current.get().runId().equals(pointer.runId())) {
            return;
        }
        if (current.isPresent() && current.get().businessDate().isAfter(pointer.businessDate())) {
            log.info("latest stays at {} (business date {} is later than {})", current.get().runId(),
                    current.get().businessDate(), pointer.businessDate());
            return;
        }
        writeAtomically(root.resolve(LATEST), MlJson.MAPPER.writeValueAsBytes(pointer));
    }

    private void removeTemporaryFolders(String runId) throws IOException {
        try (Stream<Path> entries = Files.list(runDir(runId).getParent())) {
            entries.filter(p -> p.getFileName().toString().startsWith(".tmp-" + runId + "-"))
                    .forEach(MlArtifactStore::deleteRecursively);
        }
    }

    /** Uploads a published run (and latest.json when it points at this run) to S3; never throws. */
    public MirrorOutcome mirror(String runId) {
        if (!s3.enabled()) {
            return new MirrorOutcome(true, "S3 mirror off (execkpi.artifacts.s3.bucket is empty)");
        }
        String where = "s3://" + s3.bucket() + "/" + s3.key("ml/");
        try {
            Path dir = runDir(runId);
            for (String name : ARTIFACTS) {
                s3.upload(dir.resolve(name), "ml/runs/" + runId + "/" + name, contentType(name));
            }
            boolean pointer = latest().map(p -> p.runId().equals(runId)).orElse(false);
            if (pointer) {
                s3.upload(root.resolve(LATEST), "ml/" + LATEST, "application/json");
            }
            return new MirrorOutcome(true, "S3 mirror: run " + runId + (pointer ? " and latest.json" : "")
                    + " uploaded to " + where);
        } catch (S3Mirror.MirrorException e) {
            log.warn("S3 mirror of run {} failed; the local run is complete: {}", runId, e.getMessage());
            return new MirrorOutcome(false, "S3 mirror to " + where + " FAILED (local run is complete): "
                    + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("S3 mirror of run {} failed; the local run is complete", runId, e);
            return new MirrorOutcome(false, "S3 mirror to " + where + " FAILED (local run is complete): " + e);
        }
    }

    /**
     * When the local store has no {@code latest.json} and the S3 mirror is configured, downloads the latest pointer
     * and its run from S3 (run folder first, pointer last, both by atomic rename). Never throws: failures are logged
     * and reported in the outcome, and the application starts without a restored run.
     */
    public synchronized RestoreOutcome restoreFromS3IfEmpty() {
        if (!s3.enabled()) {
            return new RestoreOutcome(Optional.empty(), "S3 mirror off: nothing to restore");
        }
        if (Files.exists(root.resolve(LATEST))) {
            return new RestoreOutcome(Optional.empty(), "local store has a latest run: nothing to restore");
        }
        String where = "s3://" + s3.bucket() + "/" + s3.key("ml/");
        try {
            Optional<byte[]> pointerBytes = s3.download("ml/" + LATEST);
            if (pointerBytes.isEmpty()) {
                return new RestoreOutcome(Optional.empty(), "no latest.json under " + where + ": nothing to restore");
            }
            LatestPointer pointer = MlJson.MAPPER.readValue(pointerBytes.get(), LatestPointer.class);
            if (!isRunId(pointer.runId())) {
                throw new IOException("latest.json in S3 names an invalid run id: " + pointer.runId());
            }
            Path target = runDir(pointer.runId());
            Files.createDirectories(target.getParent());
            if (!Files.isDirectory(target)) {
                Path tmp = Files.createTempDirectory(target.getParent(), ".tmp-" + pointer.runId() + "-");
                try {
                    for (String name : ARTIFACTS) {
                        byte[] bytes = s3.download("ml/runs/" + pointer.runId() + "/" + name)
                                .orElseThrow(() -> new IOException("run " + pointer.runId() + " in S3 has no " + name));
                        Files.write(tmp.resolve(name), bytes);
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException | RuntimeException e) {
                    deleteRecursively(tmp);
                    throw e;
                }
            }
            writeAtomically(root.resolve(LATEST), pointerBytes.get());
            log.info("restored ML run {} from {}", pointer.runId(), where);
            return new RestoreOutcome(Optional.of(pointer.runId()), "restored run " + pointer.runId() + " from " + where);
        } catch (S3Mirror.MirrorException | IOException | RuntimeException e) {
            log.warn("could not restore the latest ML run from {}: {}", where, e.getMessage());
            return new RestoreOutcome(Optional.empty(), "restore from " + where + " failed: " + e.getMessage());
        }
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    public Optional<LatestPointer> latest() {
        Path file = root.resolve(LATEST);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            LatestPointer pointer = MlJson.MAPPER.readValue(Files.readAllBytes(file), LatestPointer.class);
            return isRunId(pointer.runId()) ? Optional.of(pointer) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Published run ids, newest first (temporary folders of a publish in progress are not runs). */
    public List<String> runIds() {
        Path runs = root.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(runs)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(MlArtifactStore::isRunId)
                    .sorted(Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + runs, e);
        }
    }

    /** An artifact file of a published run, when both names are valid and the file exists. */
    public Optional<Path> artifact(String runId, String name) {
        if (!isRunId(runId) || !isArtifact(name)) {
            return Optional.empty();
        }
        Path file = runDir(runId).resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    public static String contentType(String artifact) {
        if (artifact.endsWith(".json")) {
            return "application/json";
        }
        if (artifact.endsWith(".md")) {
            return "text/markdown; charset=utf-8";
        }
        return "application/octet-stream";
    }

    // ---- files -----------------------------------------------------------------------------------------------

    /** Writes a file through a temporary sibling and an atomic rename over the target. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
