package io.execkpi.kpi;

import java.io.IOException;
import java.time.Clock;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.jobs.BusinessDateParametersValidator;
import io.execkpi.jobs.JobReportingListener;
import io.execkpi.warehouse.Warehouse;
import io.execkpi.warehouse.WarehouseTables;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

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
               Warehouse warehouse, KpiResultsRepository results, KpiProperties properties, JobReportingListener logging,
               QualityGate quality, WarehouseTables tables, ExecKpiProperties app, Clock clock) {
        SimpleJobBuilder job = null;
        for (KpiDefinition kpi : catalog.all()) {
            Step step = new StepBuilder("kpi_" + kpi.name(), jobRepository)
                    .tasklet(new MaterializeKpiTasklet(kpi, warehouse, results, properties, quality, tables,
                                    () -> app.yesterday(clock), catalog.dimensionsOf(kpi)),
                            transactionManager)
                    .listener(logging)
                    .build();
            job = job == null
                    ? new JobBuilder(JOB_NAME, jobRepository)
                            .validator(new BusinessDateParametersValidator(true))
                            .listener(logging)
                            .listener(new UnavailableKpis())
                            .start(step)
                    : job.next(step);
        }
        return job.build();
    }

    /**
     * Puts the reasons of the KPIs that were unavailable ({@code <kpi> unavailable: …}, one per step) into a
     * completed job's exit description, where the job API and the command line show them.
     */
    static final class UnavailableKpis implements JobExecutionListener {

        @Override
        public void afterJob(JobExecution job) {
            String reasons = job.getStepExecutions().stream().map(StepExecution::getExitStatus)
                    .map(ExitStatus::getExitDescription)
                    .filter(d -> d != null && d.contains(" unavailable: "))
                    .collect(java.util.stream.Collectors.joining("; "));
            if (!reasons.isEmpty() && job.getStatus() == BatchStatus.COMPLETED) {
                job.setExitStatus(new ExitStatus(job.getExitStatus().getExitCode(), reasons));
            }
        }
    }
}
