package io.execkpi.jobs;

import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Lazy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.interceptor.DefaultTransactionAttribute;

/**
 * {@code nightlyJob} (parameter {@code date}): kpiJob → abJob → mlJob for that business date, one step each. A step
 * runs its job through {@link JobRunner}, so a job already completed for the date is not run again and a failed
 * one is restarted where it stopped; a restart of nightlyJob skips its finished steps. Under {@code rerun=true}
 * every step starts a new instance of its job instead (a new {@code rerun} stamp), so a restart of such a nightlyJob
 * runs its failed step's job again from the start. The steps only orchestrate: they hold no transaction of their own
 * (the child jobs commit their work).
 *
 * <p>A step whose child has a {@link NightlyChildChoice} asks it which job to run that night (the ML step: {@code mlJob}
 * when the model is due for retraining or {@code retrain=true} was given, else {@code mlScoreJob}). The choice is saved
 * in the step's execution context before the job runs, so a restart of a failed nightlyJob resumes the job it chose
 * (not another one); its reason ends up in the step's exit description.
 */
@Configuration(proxyBeanMethods = false)
public class NightlyJobConfiguration {

    public static final String JOB_NAME = "nightlyJob";
    static final List<String> CHILDREN = List.of("kpiJob", "abJob", "mlJob");
    /** Step execution context keys of the chosen job and the reason. */
    static final String CHOSEN_JOB = "nightly.job";
    static final String CHOSEN_REASON = "nightly.reason";

    @Bean
    Job nightlyJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, @Lazy JobRunner jobRunner,
                   List<Job> jobs, JobReportingListener logging, ObjectProvider<NightlyChildChoice> choices) {
        SimpleJobBuilder builder = null;
        for (String child : CHILDREN) {
            if (jobs.stream().noneMatch(j -> j.getName().equals(child))) {
                continue;
            }
            Step step = new StepBuilder(child.replace("Job", ""), jobRepository).tasklet((contribution, chunk) -> {
                var stepExecution = contribution.getStepExecution();
                var parameters = stepExecution.getJobParameters();
                JobRequest request = new JobRequest(parameters.getLocalDate(JobRequest.DATE), null,
                        parameters.getString(JobRequest.RERUN) != null);
                String job = child;
                String reason = null;
                var context = stepExecution.getExecutionContext();
                if (context.containsKey(CHOSEN_JOB)) { // a restart: resume what the failed attempt chose
                    job = context.getString(CHOSEN_JOB);
                    reason = context.getString(CHOSEN_REASON);
                } else {
                    NightlyChildChoice choice = choices.stream().filter(c -> c.child().equals(child))
                            .findFirst().orElse(null);
                    if (choice != null) {
                        NightlyChildChoice.Choice chosen = choice.choose(request.date(),
                                "true".equals(parameters.getString(JobRequest.RETRAIN)));
                        job = chosen.job();
                        reason = chosen.reason();
                        context.putString(CHOSEN_JOB, job);
                        context.putString(CHOSEN_REASON, reason);
                        jobRepository.updateExecutionContext(stepExecution); // saved before the job runs
                    }
                }
                JobExecution execution = jobRunner.run(job, request);
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    throw new IllegalStateException(job + " execution " + execution.getId() + " ended "
                            + execution.getStatus() + "; restart nightlyJob to resume it");
                }
                if (reason != null) {
                    contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription("ran " + job + " (execution "
                            + execution.getId() + "): " + reason));
                }
                return RepeatStatus.FINISHED;
            }, transactionManager)
                    // orchestration only: the child job manages its own transactions, so none may be open here
                    .transactionAttribute(new DefaultTransactionAttribute(TransactionDefinition.PROPAGATION_NOT_SUPPORTED))
                    .listener(logging).build();
            builder = builder == null
                    ? new JobBuilder(JOB_NAME, jobRepository)
                            .validator(new BusinessDateParametersValidator(false, true))
                            .listener(logging)
                            .start(step)
                    : builder.next(step);
        }
        return builder.build();
    }
}
