package io.execkpi.abtest;

import java.time.LocalDate;
import java.util.List;

import io.execkpi.jobs.BusinessDateParametersValidator;
import io.execkpi.jobs.JobReportingListener;
import io.execkpi.jobs.JobRequest;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiResultsRepository;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code abJob}: evaluates every experiment of the {@code ab_metrics} KPI as of the business date {@code date} and
 * replaces that date's evaluation in one transaction (a failure leaves the previous evaluation visible; a restart
 * simply evaluates again).
 */
@Configuration(proxyBeanMethods = false)
public class AbJobConfiguration {

    public static final String JOB_NAME = "abJob";
    static final String AB_METRICS = "ab_metrics";

    @Bean
    ExperimentSettings experimentSettings(AbProperties properties, ResourceLoader resourceLoader) {
        return ExperimentSettings.load(resourceLoader.getResource(properties.settings()));
    }

    @Bean
    Job abJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, KpiCatalog catalog,
              KpiResultsRepository kpiResults, AbResultsRepository abResults, ExperimentSettings settings, JobReportingListener logging) {
        KpiDefinition abMetrics = catalog.find(AB_METRICS)
                .orElseThrow(() -> new IllegalStateException("abJob needs the ab_metrics KPI in the catalog"));
        Step evaluate = new StepBuilder("evaluate_experiments", jobRepository).tasklet((contribution, chunk) -> {
            LocalDate date = contribution.getStepExecution().getJobParameters().getLocalDate(JobRequest.DATE);
            List<ExperimentEvaluator.ArmMetrics> metrics = kpiResults.read(abMetrics, date, date).stream()
                    .map(r -> new ExperimentEvaluator.ArmMetrics((String) r.get("experiment_id"),
                            (String) r.get("variant"), (Boolean) r.get("is_control"),
                            ((Number) r.get("weight")).doubleValue(), ((Number) r.get("users")).longValue(),
                            ((Number) r.get("converters")).longValue(), ((Number) r.get("revenue_sum")).doubleValue(),
                            ((Number) r.get("revenue_sum_squares")).doubleValue(), decimal(r.get("pre_revenue_sum")),
                            decimal(r.get("pre_revenue_sum_squares")), decimal(r.get("revenue_pre_products")),
                            integer(r.get("orders")), integer(r.get("cancelled_returned_orders")),
                            integer(r.get("cancel_return_users")), integer(r.get("pre_converters")),
                            integer(r.get("pre_post_converters")), capped(r), r.get("completed_orders") == null
                            ? null : new ExperimentEvaluator.OrderSums(integer(r.get("completed_orders")),
                                    integer(r.get("completed_orders_sum_squares")),
                                    decimal(r.get("revenue_order_products")))))
                    .toList();
            if (metrics.isEmpty()) {
                throw new IllegalStateException("ab_metrics is not materialized for " + date + ": run kpiJob for "
                        + date + " first");
            }
            List<AbResult> results = ExperimentEvaluator.evaluate(metrics, settings);
            abResults.replace(date, results, contribution.getStepExecution().getJobExecutionId());
            contribution.incrementReadCount();
            contribution.incrementWriteCount(results.size());
            return RepeatStatus.FINISHED;
        }, transactionManager).listener(logging).build();
        return new JobBuilder(JOB_NAME, jobRepository)
                .validator(new BusinessDateParametersValidator(false))
                .listener(logging)
                .start(evaluate)
                .build();
    }

    /** The capped revenue sums, or null on rows materialized before they existed. */
    private static ExperimentEvaluator.CappedRevenue capped(java.util.Map<String, Object> r) {
        if (r.get("capped_revenue_sum") == null) {
            return null;
        }
        return new ExperimentEvaluator.CappedRevenue(decimal(r.get("revenue_cap")),
                decimal(r.get("capped_revenue_sum")), decimal(r.get("capped_revenue_sum_squares")),
                decimal(r.get("capped_pre_revenue_sum")), decimal(r.get("capped_pre_revenue_sum_squares")),
                decimal(r.get("capped_revenue_pre_products")));
    }

    /** A nullable decimal column (null on rows materialized before the column existed). */
    private static Double decimal(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    /** A nullable integer column (null on rows materialized before the column existed). */
    private static Long integer(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }
}
