package io.execkpi.jobs;

import org.springframework.batch.core.launch.support.JobOperatorFactoryBean;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Job launching infrastructure: a synchronous operator ({@link JobRunner}: start-up, schedule, command line,
 * nightlyJob's steps) and an asynchronous one for the HTTP API, whose launches return at once with the new execution.
 * The task executor of each releases the caller's {@link JobLaunchLock} once the launcher has created the execution.
 */
@Configuration(proxyBeanMethods = false)
public class JobsConfiguration {

    @Bean
    ThreadPoolTaskExecutor jobExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("job-");
        executor.setCorePoolSize(2);
        executor.setMaxPoolSize(2);
        executor.setQueueCapacity(100);
        // on shutdown JobLifecycle first asks running executions to stop at a safe point
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(60);
        return executor;
    }

    @Bean
    JobOperatorFactoryBean syncJobOperator(JobRepository jobRepository,
                                           PlatformTransactionManager transactionManager) {
        JobOperatorFactoryBean factory = new JobOperatorFactoryBean();
        factory.setJobRepository(jobRepository);
        factory.setTransactionManager(transactionManager);
        factory.setTaskExecutor(JobLaunchLock.releasingExecutor(new SyncTaskExecutor()));
        return factory;
    }

    @Bean
    JobOperatorFactoryBean asyncJobOperator(JobRepository jobRepository,
                                            PlatformTransactionManager transactionManager,
                                            @Qualifier("jobExecutor") ThreadPoolTaskExecutor jobExecutor) {
        JobOperatorFactoryBean factory = new JobOperatorFactoryBean();
        factory.setJobRepository(jobRepository);
        factory.setTransactionManager(transactionManager);
        factory.setTaskExecutor(JobLaunchLock.releasingExecutor(jobExecutor));
        return factory;
    }
}
