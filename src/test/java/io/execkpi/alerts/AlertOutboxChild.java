package io.execkpi.alerts;

import java.time.LocalDate;
import java.util.List;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Child process of {@link AlertDeliveryAfterKillTest}: starts the application with the arguments given, generates
 * the warehouse through the date of the first argument with that day's orders missing, runs kpiJob for it (which
 * fails its freshness gate and commits a {@code source-stale} and {@code job-failed} alerts to the outbox), prints
 * each pending dedup key ("pending &lt;key&gt;") and "ready", and waits to be killed. Its sender polls once an hour,
 * so nothing is sent before the kill.
 */
public final class AlertOutboxChild {

    private AlertOutboxChild() {
    }

    public static void main(String[] args) throws Exception {
        LocalDate date = LocalDate.parse(args[0]);
        String[] appArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE).run(appArgs);
        app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(date);
        JdbcTemplate warehouse = new JdbcTemplate(
                app.getBean(WarehouseConfiguration.WarehouseConnection.class).dataSource());
        warehouse.update("DELETE FROM orders WHERE created_at >= ?", date.atStartOfDay());
        warehouse.update("UPDATE thelook_meta SET last_generated = ?", date.minusDays(1));
        app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, new JobRequest(date, date, false));
        List<String> pending = app.getBean(JdbcTemplate.class).queryForList(
                "SELECT dedup_key FROM alert_outbox WHERE status = 'pending' ORDER BY id", String.class);
        for (String key : pending) {
            System.out.println("pending " + key);
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
