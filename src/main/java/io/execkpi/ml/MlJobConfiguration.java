package io.execkpi.ml;

import java.time.Clock;

import io.execkpi.jobs.BusinessDateParametersValidator;
import io.execkpi.jobs.JobReportingListener;
import io.execkpi.ml.model.MlSettings;
import io.execkpi.warehouse.Warehouse;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code mlJob} (identifying parameter {@code date}, optional {@code rerun}): features → train → evaluate → explain →
 * publish → score, one Spring Batch step each (see {@link MlSteps}). A restart resumes at the failed step: finished
 * steps are not run again, so a failed publish does not retrain.
 *
 * <p>{@code mlScoreJob} (same parameters): one step, {@code score}, that scores D's active users with the published
 * model ({@code latest.json}) and replaces D's rows of {@code ml_scores}, as mlJob's score step does; no training.
 * nightlyJob runs it on the nights the model is not due for retraining ({@link MlRetrainPolicy}). It is a job of its
 * own, not a mode of mlJob, so that {@code /jobs} tells a retraining night (mlJob: six steps, a new run) from a
 * scoring-only night (mlScoreJob) at a glance, and each keeps one job instance per date.
 */
@Configuration(proxyBeanMethods = false)
public class MlJobConfiguration {

    public static final String JOB_NAME = "mlJob";
    public static final String SCORE_JOB_NAME = "mlScoreJob";

    @Bean
    MlSettings mlSettings(MlProperties properties, ResourceLoader resourceLoader) {
        return MlSettings.load(resourceLoader.getResource(properties.settings()));
    }

    @Bean
    Job mlJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, Warehouse warehouse,
              MlArtifactStore store, MlScoresRepository scores, MlSettings settings, Clock clock,
              JobReportingListener logging) {
        MlSteps steps = new MlSteps(warehouse, store, scores, settings, clock, jobRepository);
        return new JobBuilder(JOB_NAME, jobRepository)
                .validator(new BusinessDateParametersValidator(false))
                .listener(logging)
                .start(step("features", steps::features, jobRepository, transactionManager, logging))
                .next(step("train", steps::train, jobRepository, transactionManager, logging))
                .next(step("evaluate", steps::evaluate, jobRepository, transactionManager, logging))
                .next(step("explain", steps::explain, jobRepository, transactionManager, logging))
                .next(step("publish", steps::publish, jobRepository, transactionManager, logging))
                .next(step("score", steps::score, jobRepository, transactionManager, logging))
                .build();
    }

    @Bean
    Job mlScoreJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, Warehouse warehouse,
                   MlArtifactStore store, MlScoresRepository scores, MlSettings settings, Clock clock,
                   JobReportingListener logging) {
        MlSteps steps = new MlSteps(warehouse, store, scores, settings, clock, jobRepository);
        return new JobBuilder(SCORE_JOB_NAME, jobRepository)
                .validator(new BusinessDateParametersValidator(false))
                .listener(logging)
                .start(step("score", steps::scorePublished, jobRepository, transactionManager, logging))
                .build();
    }

    private static Step step(String name, Tasklet tasklet, JobRepository repository,
                             PlatformTransactionManager transactionManager, JobReportingListener logging) {
        return new StepBuilder(name, repository).tasklet(tasklet, transactionManager).listener(logging).build();
    }
}
