package io.execkpi.ml;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param settings          resource location of the model settings ({@code jobs/ml.yml})
 * @param retrainEveryDays  retraining cadence of the nightly run, in days (≥ 1): nightlyJob runs {@code mlJob}
 *                          (retrain) when the published model's business date is this many days or more before the
 *                          night's date, else {@code mlScoreJob} (score with the published model); 1 retrains every
 *                          night
 */
@ConfigurationProperties("execkpi.ml")
public record MlProperties(@DefaultValue("classpath:jobs/ml.yml") String settings,
                           @DefaultValue("7") int retrainEveryDays) {

    public MlProperties {
        if (retrainEveryDays < 1) {
            throw new IllegalArgumentException("execkpi.ml.retrain-every-days must be at least 1 (1 = retrain every"
                    + " night), got " + retrainEveryDays);
        }
    }
}
