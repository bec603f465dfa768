package io.execkpi.kpi;

import java.io.IOException;

import io.execkpi.jobs.BusinessDateParametersValidator;
import io.execkpi.jobs.JobLoggingListener;
import io.execkpi.jobs.JobRequest;
import io.execkpi.quality.QualityGate;
import io.execkpi.warehouse.Warehouse;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code kpiJob}: one step per catalog KPI, in catalog order ({@code kpi_<name>}). Completed steps are skipped on
 * restart; a failed step resumes at its first unfinished slice.
 */
@Configuration(proxyBeanMethods = false)
public class KpiJobConfiguration {

    public static final String JOB_NAME = "kpiJob";

    @Bean
    KpiCatalog kpiCatalog(KpiProperties properties, ResourceLoader resourceLoader) throws IOException {
        return KpiCatalog.load(resourceLoader.getResource(properties.catalog()));
    }

    @Bean
    Job kpiJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, KpiCatalog catalog,
               Warehouse warehouse, KpiResultsRepository results, KpiProperties properties, JobLoggingListener logging,
               QualityGate quality) {
        SimpleJobBuilder job = null;
        for (KpiDefinition kpi : catalog.all()) {
            Step step = new StepBuilder("kpi_" + kpi.name(), jobRepository)
                    .tasklet(new MaterializeKpiTasklet(kpi, warehouse, results, properties, quality),
                            transactionManager)
                    .listener(logging)
                    .build();
            job = job == null
                    ? new JobBuilder(JOB_NAME, jobRepository)
                            .validator(new BusinessDateParametersValidator(true))
                            .listener(logging)
                            .start(step)
                    : job.next(step);
        }
        return job.build();
    }
}
