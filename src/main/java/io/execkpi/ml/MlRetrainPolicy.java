package io.execkpi.ml;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.execkpi.jobs.NightlyChildChoice;

import org.springframework.stereotype.Component;

/**
 * The nightly retraining cadence: which job the ML step of {@code nightlyJob} runs for night D.
 * <ul>
 * <li>{@code mlJob} (retrain, evaluate, publish, score) when {@code retrain=true} was asked for, when no model is
 * published (or its run folder is incomplete), when the published model's business date is after D (a catch-up of an
 * older night must not score with a model trained on later labels), or when the published model is due: its business
 * date is {@code execkpi.ml.retrain-every-days} days or more before D (calendar days; business dates are daily);</li>
 * <li>{@code mlScoreJob} (score D's population with the published model) otherwise.</li>
 * </ul>
 * The usual MLOps split: score every night, retrain on a cadence. {@code mlJob} launched directly always retrains.
 */
@Component
public class MlRetrainPolicy implements NightlyChildChoice {

    private final MlArtifactStore store;
    private final int retrainEveryDays;

    public MlRetrainPolicy(MlArtifactStore store, MlProperties properties) {
        this.store = store;
        this.retrainEveryDays = properties.retrainEveryDays();
    }

    @Override
    public String child() {
        return MlJobConfiguration.JOB_NAME;
    }

    @Override
    public Choice choose(LocalDate date, boolean retrainRequested) {
        if (retrainRequested) {
            return new Choice(MlJobConfiguration.JOB_NAME, "retrain=true was asked for");
        }
        Optional<MlArtifactStore.LatestPointer> latest = store.latest();
        if (latest.isEmpty()) {
            return new Choice(MlJobConfiguration.JOB_NAME, "no model is published yet");
        }
        MlArtifactStore.LatestPointer published = latest.get();
        if (!store.isPublished(published.runId())) {
            return new Choice(MlJobConfiguration.JOB_NAME, "the published run " + published.runId()
                    + " is incomplete under " + store.runDir(published.runId()));
        }
        long age = ChronoUnit.DAYS.between(published.businessDate(), date);
        if (age < 0) {
            return new Choice(MlJobConfiguration.JOB_NAME, "the published model (run " + published.runId()
                    + ") is for a later business date, " + published.businessDate());
        }
        String model = "the published model (run " + published.runId() + ", business date "
                + published.businessDate() + ") is " + age + " day(s) old";
        if (age >= retrainEveryDays) {
            return new Choice(MlJobConfiguration.JOB_NAME, model + ": due (execkpi.ml.retrain-every-days="
                    + retrainEveryDays + ")");
        }
        return new Choice(MlJobConfiguration.SCORE_JOB_NAME, model + ": scored with it, retraining is due at "
                + retrainEveryDays + " day(s) (execkpi.ml.retrain-every-days)");
    }
}
