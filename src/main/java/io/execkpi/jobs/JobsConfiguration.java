package io.execkpi.jobs;

import org.springframework.batch.core.launch.support.JobOperatorFactoryBean;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Job launching infrastructure beyond Boot's synchronous operator (used by start-up and the command line): an
 * asynchronous operator for the HTTP API, whose launches return at once with the new execution.
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
    JobOperatorFactoryBean asyncJobOperator(JobRepository jobRepository,
                                            PlatformTransactionManager transactionManager,
                                            @Qualifier("jobExecutor") ThreadPoolTaskExecutor jobExecutor) {
        JobOperatorFactoryBean factory = new JobOperatorFactoryBean();
        factory.setJobRepository(jobRepository);
        factory.setTransactionManager(transactionManager);
        factory.setTaskExecutor(jobExecutor);
        return factory;
    }
}
