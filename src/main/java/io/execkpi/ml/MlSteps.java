package io.execkpi.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.execkpi.jobs.JobRequest;
import io.execkpi.ml.eval.BinaryMetrics;
import io.execkpi.ml.eval.ModelMetrics;
import io.execkpi.ml.eval.StratifiedSplit;
import io.execkpi.ml.features.FeatureTable;
import io.execkpi.ml.features.MlFeatures;
import io.execkpi.ml.model.Candidates;
import io.execkpi.ml.model.MlSettings;
import io.execkpi.ml.model.Shap;
import io.execkpi.warehouse.Warehouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * The six steps of {@code mlJob}, and the single step of {@code mlScoreJob} ({@link #scorePublished}). Each step reads what the previous ones left in the staging folder
 * ({@code <artifacts>/ml/staging/<job instance id>/}) and writes its own output there; only small values (run id,
 * cutoff, chosen model) travel in the job's execution context. A restarted job therefore resumes at its failed step
 * with everything the finished steps produced.
 *
 * <pre>
 *   features  → features.csv                       (warehouse query ml_features, cutoff T = D − horizon)
 *   train     → model-&lt;candidate&gt;.tribuo, provenance-&lt;candidate&gt;.json, training.json
 *   evaluate  → metrics.json                       (test split; chosen candidate = best test AUC)
 *   explain   → shap_summary.json                  (chosen model, ≤ max-rows test rows, additivity checked)
 *   publish   → runs/&lt;run-id&gt;/ + latest.json (+ S3 mirror); the staging folder is removed
 *   score     → ml_scores rows of D                (published model, users active before D, cutoff D)
 * </pre>
 * Every step is safe to run again after a crash at any instant (a {@code kill -9} may land after a step's side effect
 * but before the job repository recorded its completion): features starts from an empty staging folder; train,
 * evaluate and explain overwrite their files; publish, once the run folder exists, finishes from the published run
 * folder (pointer, mirror, clean-up) whatever is left of the staging folder; score replaces the date's rows in one
 * transaction. The values shared in the job context are also kept in the producing step's context, which commits with
 * the step's completion.
 */
class MlSteps {

    private static final Logger log = LoggerFactory.getLogger(MlSteps.class);

    static final String RUN_ID = "ml.runId";
    static final String CUTOFF = "ml.cutoff";
    static final String LABEL_END = "ml.labelEnd";
    static final String CHOSEN = "ml.model";

    static final String FEATURES_FILE = "features.csv";
    static final String TRAINING_FILE = "training.json";

    /** Fewer converters (or non-converters) than this in the population cannot give a meaningful model. */
    static final int MIN_CLASS_ROWS = 10;

    private final Warehouse warehouse;
    private final MlArtifactStore store;
    private final MlScoresRepository scores;
    private final MlSettings settings;
    private final Clock clock;
    private final JobRepository jobRepository;

    MlSteps(Warehouse warehouse, MlArtifactStore store, MlScoresRepository scores, MlSettings settings, Clock clock,
            JobRepository jobRepository) {
        this.jobRepository = jobRepository;
        this.warehouse = warehouse;
        this.store = store;
        this.scores = scores;
        this.settings = settings;
        this.clock = clock;
    }

    /** Training metadata kept in staging between train and evaluate. */
    record Training(int trainRows, int testRows, Map<String, Double> trainSeconds) {
    }

    // ---- features --------------------------------------------------------------------------------------------

    RepeatStatus features(StepContribution contribution, ChunkContext chunk) throws IOException {
        StepExecution step = contribution.getStepExecution();
        LocalDate date = businessDate(step);
        Path staging = store.stagingDir(step.getJobExecution().getJobInstanceId());
        MlArtifactStore.deleteRecursively(staging); // leftovers of an earlier attempt of this step
        Files.createDirectories(staging);
        LocalDateTime cutoff = MlFeatures.cutoff(date.minusDays(settings.horizonDays()));
        LocalDateTime labelEnd = cutoff.plusDays(settings.horizonDays());
        FeatureTable table = MlFeatures.extract(warehouse, cutoff, labelEnd, settings.scoring().activeDays(), false,
                settings.training().maxRows());
        long positives = table.positives();
        long negatives = table.size() - positives;
        if (positives < MIN_CLASS_ROWS || negatives < MIN_CLASS_ROWS) {
            throw new IllegalStateException("Cannot train for " + date + ": the population before the cutoff " + cutoff
                    + " has " + positives + " converters and " + negatives + " non-converters; need at least "
                    + MIN_CLASS_ROWS + " of each (is the warehouse generated through " + date + "?)");
        }
        table.write(staging.resolve(FEATURES_FILE));
        share(step, RUN_ID, MlArtifactStore.newRunId(date, clock.instant()));
        share(step, CUTOFF, cutoff.toString());
        share(step, LABEL_END, labelEnd.toString());
        step.setReadCount(step.getReadCount() + table.size());
        contribution.incrementWriteCount(table.size());
        log.info("ml features for {}: cutoff {}, {} users, {} converters ({} %)", date, cutoff, table.size(), positives,
                String.format(java.util.Locale.ROOT, "%.2f", 100.0 * positives / table.size()));
        return RepeatStatus.FINISHED;
    }

    // ---- train -----------------------------------------------------------------------------------------------

    RepeatStatus train(StepContribution contribution, ChunkContext chunk) throws IOException {
        StepExecution step = contribution.getStepExecution();
        Path staging = staging(step);
        FeatureTable table = FeatureTable.read(staging.resolve(FEATURES_FILE));
        StratifiedSplit split = split(table);
        MutableDataset<Label> train = Candidates.dataset(table, split.train(),
                "warehouse query " + MlFeatures.QUERY + ", cutoff " + jobContext(step).getString(CUTOFF)
                        + ", training split (" + split.train().length + " users)");
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String candidate : Candidates.NAMES) {
            long t0 = System.nanoTime();
            Model<Label> model = Candidates.train(candidate, train, settings);
            double took = (System.nanoTime() - t0) / 1e9;
            seconds.put(candidate, took);
            Candidates.save(model, staging.resolve("model-" + candidate + ".tribuo"));
            Files.writeString(staging.resolve("provenance-" + candidate + ".json"), Candidates.provenanceJson(model));
            log.info("ml train {}: {} rows in {} s", candidate, split.train().length,
                    String.format(java.util.Locale.ROOT, "%.2f", took));
        }
        Files.write(staging.resolve(TRAINING_FILE), MlJson.MAPPER.writeValueAsBytes(
                new Training(split.train().length, split.test().length, seconds)));
        step.setReadCount(step.getReadCount() + split.train().length);
        contribution.incrementWriteCount(Candidates.NAMES.size());
        return RepeatStatus.FINISHED;
    }

    // ---- evaluate --------------------------------------------------------------------------------------------

    RepeatStatus evaluate(StepContribution contribution, ChunkContext chunk) throws IOException {
        StepExecution step = contribution.getStepExecution();
        ExecutionContext job = jobContext(step);
        Path staging = staging(step);
        FeatureTable table = FeatureTable.read(staging.resolve(FEATURES_FILE));
        StratifiedSplit split = split(table);
        Training training = MlJson.MAPPER.readValue(staging.resolve(TRAINING_FILE).toFile(), Training.class);
        int[] yTrain = table.labels(split.train());
        int[] yTest = table.labels(split.test());
        List<Example<Label>> trainExamples = Candidates.examples(table, split.train());
        List<Example<Label>> testExamples = Candidates.examples(table, split.test());
        List<ModelMetrics.Candidate> candidates = new ArrayList<>();
        for (String name : Candidates.NAMES) {
            Model<Label> model = Candidates.load(staging.resolve("model-" + name + ".tribuo"));
            double[] pTrain = Candidates.positiveProbabilities(model, trainExamples);
            double[] pTest = Candidates.positiveProbabilities(model, testExamples);
            candidates.add(ModelMetrics.evaluate(name, yTrain, pTrain, yTest, pTest,
                    training.trainSeconds().getOrDefault(name, 0.0)));
        }
        ModelMetrics.Candidate best = ModelMetrics.best(candidates);
        LocalDateTime cutoff = LocalDateTime.parse(job.getString(CUTOFF));
        LocalDateTime labelEnd = LocalDateTime.parse(job.getString(LABEL_END));
        ModelMetrics.Report report = new ModelMetrics.Report(job.getString(RUN_ID), businessDate(step),
                MlFeatures.instant(cutoff), MlFeatures.instant(labelEnd), best.name(),
                "highest test AUC among " + Candidates.NAMES,
                best.auc(), best.averagePrecision(), best.logLoss(), best.brier(), best.ece(), best.threshold(),
                ModelMetrics.THRESHOLD_RULE, best.truePositives(), best.falsePositives(), best.trueNegatives(),
                best.falseNegatives(), best.precision(), best.recall(), best.f1(),
                split.train().length, split.test().length, Arrays.stream(yTrain).sum(), Arrays.stream(yTest).sum(),
                ModelMetrics.n(BinaryMetrics.baseRate(yTrain)), ModelMetrics.n(BinaryMetrics.baseRate(yTest)),
                best.calibration(), MlFeatures.NAMES, List.copyOf(candidates));
        Files.write(staging.resolve(MlArtifactStore.METRICS), MlJson.MAPPER.writeValueAsBytes(report));
        share(step, CHOSEN, best.name());
        step.setReadCount(step.getReadCount() + split.test().length);
        for (ModelMetrics.Candidate c : candidates) {
            log.info("ml evaluate {}: test AUC {} AP {} log loss {} Brier {} ECE {}", c.name(), c.auc(),
                    c.averagePrecision(), c.logLoss(), c.brier(), c.ece());
        }
        return RepeatStatus.FINISHED;
    }

    // ---- explain ---------------------------------------------------------------------------------------------

    RepeatStatus explain(StepContribution contribution, ChunkContext chunk) throws Exception {
        StepExecution step = contribution.getStepExecution();
        ExecutionContext job = jobContext(step);
        Path staging = staging(step);
        FeatureTable table = FeatureTable.read(staging.resolve(FEATURES_FILE));
        int[] rows = shapRows(split(table).test(), settings.explain().maxRows(), settings.split().seed());
        Model<Label> model = Candidates.load(staging.resolve("model-" + job.getString(CHOSEN) + ".tribuo"));
        Shap.Values values = Shap.explain(model, table, rows);
        ShapSummary summary = new ShapSummary(job.getString(RUN_ID), values.rows(), values.meanAbs());
        Files.write(staging.resolve(MlArtifactStore.SHAP), MlJson.MAPPER.writeValueAsBytes(summary));
        step.setReadCount(step.getReadCount() + rows.length);
        log.info("ml explain {}: {} rows, max additivity error {}", job.getString(CHOSEN), rows.length,
                values.maxAdditivityError());
        return RepeatStatus.FINISHED;
    }

    /** Up to {@code max} of the test rows: all of them, or a seeded sample (ascending). */
    static int[] shapRows(int[] test, int max, long seed) {
        if (test.length <= max) {
            return test;
        }
        int[] copy = test.clone();
        Random random = new Random(seed);
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(copy.length - i);
            int t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        int[] out = Arrays.copyOf(copy, max);
        Arrays.sort(out);
        return out;
    }

    // ---- publish ---------------------------------------------------------------------------------------------

    RepeatStatus publish(StepContribution contribution, ChunkContext chunk) throws IOException {
        StepExecution step = contribution.getStepExecution();
        ExecutionContext job = jobContext(step);
        String runId = job.getString(RUN_ID);
        String chosen = job.getString(CHOSEN);
        Path stagingDir = store.stagingDir(step.getJobExecution().getJobInstanceId());
        if (store.isPublished(runId)) {
            // an earlier attempt moved the run into place and then died (before it pointed latest at the run, while
            // it removed the staging folder, or before the job repository recorded the step's completion): the run
            // folder is complete (it appears by one atomic rename), so finish from it; the staging folder may be
            // whole, partly deleted or gone and is not read
            store.pointLatestAt(new MlArtifactStore.LatestPointer(runId, businessDate(step), chosen, clock.instant()));
            MlArtifactStore.MirrorOutcome mirror = store.mirror(runId);
            MlArtifactStore.deleteRecursively(stagingDir);
            contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription("run " + runId
                    + " was already published; " + mirror.message()));
            log.info("ml publish {}: already published, finished from the run folder; {}", runId, mirror.message());
            return RepeatStatus.FINISHED;
        }
        Path staging = staging(step);
        ModelMetrics.Report metrics = MlJson.MAPPER.readValue(staging.resolve(MlArtifactStore.METRICS).toFile(),
                ModelMetrics.Report.class);
        ShapSummary shap = MlJson.MAPPER.readValue(staging.resolve(MlArtifactStore.SHAP).toFile(), ShapSummary.class);
        Files.writeString(staging.resolve(MlArtifactStore.MODEL_CARD), ModelCard.render(metrics, shap, settings));
        Map<String, Path> files = Map.of(
                MlArtifactStore.METRICS, staging.resolve(MlArtifactStore.METRICS),
                MlArtifactStore.SHAP, staging.resolve(MlArtifactStore.SHAP),
                MlArtifactStore.MODEL, staging.resolve("model-" + chosen + ".tribuo"),
                MlArtifactStore.PROVENANCE, staging.resolve("provenance-" + chosen + ".json"),
                MlArtifactStore.MODEL_CARD, staging.resolve(MlArtifactStore.MODEL_CARD));
        store.publish(new MlArtifactStore.LatestPointer(runId, businessDate(step), chosen, clock.instant()), files);
        MlArtifactStore.MirrorOutcome mirror = store.mirror(runId);
        MlArtifactStore.deleteRecursively(staging);
        contribution.incrementWriteCount(files.size());
        contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription("published run " + runId + " (" + chosen
                + ") to " + store.runDir(runId) + "; " + mirror.message()));
        log.info("ml publish {}: {}", runId, mirror.message());
        return RepeatStatus.FINISHED;
    }

    // ---- score -----------------------------------------------------------------------------------------------

    /** mlJob's score step: scores D with the run this job instance published. */
    RepeatStatus score(StepContribution contribution, ChunkContext chunk) throws IOException {
        StepExecution step = contribution.getStepExecution();
        return score(contribution, step, jobContext(step).getString(RUN_ID));
    }

    /**
     * mlScoreJob's score step: scores D with the published model ({@code latest.json}), without training. Refuses
     * (the step fails, restartable) when no model is published or the published one is for a business date after D.
     */
    RepeatStatus scorePublished(StepContribution contribution, ChunkContext chunk) throws IOException {
        StepExecution step = contribution.getStepExecution();
        LocalDate date = businessDate(step);
        MlArtifactStore.LatestPointer published = store.latest().orElseThrow(() -> new IllegalStateException(
                "No model is published: run mlJob for " + date + " (it trains, publishes and scores)"));
        if (published.businessDate().isAfter(date)) {
            throw new IllegalStateException("The published model (run " + published.runId() + ") is for "
                    + published.businessDate() + ", after " + date + ": run mlJob for " + date + " instead");
        }
        return score(contribution, step, published.runId());
    }

    private RepeatStatus score(StepContribution contribution, StepExecution step, String runId) throws IOException {
        LocalDate date = businessDate(step);
        Path modelFile = store.artifact(runId, MlArtifactStore.MODEL).orElseThrow(() -> new IllegalStateException(
                "The published model of run " + runId + " is missing under " + store.runDir(runId)));
        Model<Label> model = Candidates.load(modelFile);
        LocalDateTime cutoff = MlFeatures.cutoff(date);
        FeatureTable table = MlFeatures.extract(warehouse, cutoff, cutoff, settings.scoring().activeDays(), true,
                Long.MAX_VALUE);
        int[] rows = table.activeRows();
        double[] p = Candidates.positiveProbabilities(model, Candidates.examples(table, rows));
        List<MlScoresRepository.Score> scored = deciles(table, rows, p);
        scores.replace(date, runId, step.getJobExecutionId(), scored);
        step.setReadCount(step.getReadCount() + rows.length);
        contribution.incrementWriteCount(scored.size());
        contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription("scored " + scored.size()
                + " active users of " + date + " with run " + runId));
        log.info("ml score {}: {} active users scored with run {}", date, scored.size(), runId);
        return RepeatStatus.FINISHED;
    }

    /** Decile 1 = the 10 % highest propensities (ties by user id), decile 10 the lowest. */
    static List<MlScoresRepository.Score> deciles(FeatureTable table, int[] rows, double[] p) {
        Integer[] order = new Integer[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a])
                : Long.compare(table.userIds()[rows[a]], table.userIds()[rows[b]]));
        List<MlScoresRepository.Score> out = new ArrayList<>(rows.length);
        for (int rank = 0; rank < order.length; rank++) {
            int i = order[rank];
            int decile = 1 + (int) ((long) rank * 10 / order.length);
            out.add(new MlScoresRepository.Score(table.userIds()[rows[i]], p[i], decile));
        }
        return out;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private StratifiedSplit split(FeatureTable table) {
        return StratifiedSplit.of(table.labels(), settings.split().testFraction(), settings.split().seed());
    }

    private Path staging(StepExecution step) {
        Path staging = store.stagingDir(step.getJobExecution().getJobInstanceId());
        if (!Files.isDirectory(staging)) {
            throw new IllegalStateException("The staging folder " + staging + " of this job instance is gone; start a"
                    + " new instance with rerun=true");
        }
        return staging;
    }

    /**
     * Puts a value the later steps read into the job's execution context, and into the step's own context. The step's
     * context commits in the same transaction as the step's completion; the job's is saved by Spring Batch just after
     * it, in a transaction of its own. A crash between the two leaves the step COMPLETED without the job context value;
     * {@link #jobContext} then takes it from the step's context.
     */
    private static void share(StepExecution step, String key, String value) {
        step.getExecutionContext().putString(key, value);
        step.getJobExecution().getExecutionContext().putString(key, value);
    }

    /** The job's execution context, with any {@link #share shared} value it lost in a crash restored. */
    private ExecutionContext jobContext(StepExecution step) {
        JobExecution job = step.getJobExecution();
        ExecutionContext context = job.getExecutionContext();
        for (Map.Entry<String, String> key : SHARED_BY.entrySet()) {
            if (!context.containsKey(key.getKey())) {
                StepExecution producer = jobRepository.getLastStepExecution(job.getJobInstance(), key.getValue());
                if (producer != null && producer.getExecutionContext().containsKey(key.getKey())) {
                    context.putString(key.getKey(), producer.getExecutionContext().getString(key.getKey()));
                    log.info("ml: {} restored from the context of step {} (the job context lost it in a crash)",
                            key.getKey(), key.getValue());
                }
            }
        }
        return context;
    }

    /** Each value shared through the job context, with the step that produces it. */
    private static final Map<String, String> SHARED_BY = Map.of(RUN_ID, "features", CUTOFF, "features",
            LABEL_END, "features", CHOSEN, "evaluate");

    private static LocalDate businessDate(StepExecution step) {
        LocalDate date = step.getJobParameters().getLocalDate(JobRequest.DATE);
        if (date == null) {
            throw new IllegalStateException(step.getJobExecution().getJobInstance().getJobName()
                    + " needs the job parameter 'date'");
        }
        return date;
    }
}
