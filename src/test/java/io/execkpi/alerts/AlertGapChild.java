package io.execkpi.alerts;

import java.time.LocalDate;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobEndedEvent;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Child process of {@link AlertGapAfterKillTest}: as {@link AlertOutboxChild}, a kpiJob for the date of the first
 * argument fails its freshness gate; but a listener ordered before every other listener of {@link JobEndedEvent}
 * (so before {@link JobAlerts} queues the {@code job-failed} alert) prints "gap &lt;execution id&gt;" and blocks.
 * That is the crash gap: the steps committed, the alert is not queued. The parent kills the child there.
 */
public final class AlertGapChild {

    private AlertGapChild() {
    }

    public static void main(String[] args) throws Exception {
        LocalDate date = LocalDate.parse(args[0]);
        String[] appArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
        var app = new SpringApplicationBuilder(ExecKpiApplication.class).web(WebApplicationType.NONE)
                .listeners(new Gap()).run(appArgs);
        app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(date);
        JdbcTemplate warehouse = new JdbcTemplate(
                app.getBean(WarehouseConfiguration.WarehouseConnection.class).dataSource());
        warehouse.update("DELETE FROM orders WHERE created_at >= ?", date.atStartOfDay());
        warehouse.update("UPDATE thelook_meta SET last_generated = ?", date.minusDays(1));
        app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, new JobRequest(date, date, false));
        System.out.println("not killed");
        System.exit(3);
    }

    /** Stops the job's thread in its afterJob callback, before any alert of the job is queued. */
    static final class Gap implements ApplicationListener<PayloadApplicationEvent<JobEndedEvent>>, Ordered {

        @Override
        public void onApplicationEvent(PayloadApplicationEvent<JobEndedEvent> event) {
            System.out.println("gap " + event.getPayload().executionId() + " " + event.getPayload().status());
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
