package io.execkpi.jobs;

import java.util.List;

import org.springframework.batch.core.BatchStatus;
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
 */
@Configuration(proxyBeanMethods = false)
public class NightlyJobConfiguration {

    public static final String JOB_NAME = "nightlyJob";
    static final List<String> CHILDREN = List.of("kpiJob", "abJob", "mlJob");

    @Bean
    Job nightlyJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, @Lazy JobRunner jobRunner, List<Job> jobs, JobReportingListener logging) {
        SimpleJobBuilder builder = null;
        for (String child : CHILDREN) {
            if (jobs.stream().noneMatch(j -> j.getName().equals(child))) {
                continue;
            }
            Step step = new StepBuilder(child.replace("Job", ""), jobRepository).tasklet((contribution, chunk) -> {
                var parameters = contribution.getStepExecution().getJobParameters();
                JobRequest request = new JobRequest(parameters.getLocalDate(JobRequest.DATE), null,
                        parameters.getString(JobRequest.RERUN) != null);
                JobExecution execution = jobRunner.run(child, request);
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    throw new IllegalStateException(child + " execution " + execution.getId() + " ended "
                            + execution.getStatus() + "; restart nightlyJob to resume it");
                }
                return RepeatStatus.FINISHED;
            }, transactionManager)
                    // orchestration only: the child job manages its own transactions, so none may be open here
                    .transactionAttribute(new DefaultTransactionAttribute(TransactionDefinition.PROPAGATION_NOT_SUPPORTED))
                    .listener(logging).build();
            builder = builder == null
                    ? new JobBuilder(JOB_NAME, jobRepository)
                            .validator(new BusinessDateParametersValidator(false))
                            .listener(logging)
                            .start(step)
                    : builder.next(step);
        }
        return builder.build();
    }
}
