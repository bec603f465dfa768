package io.execkpi.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.execkpi.ExecKpiApplication;
import io.execkpi.support.ChildJvm;
import io.execkpi.support.TestData;
import io.execkpi.support.WebhookReceiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.json.JsonMapper;

/**
 * Delivery after the app is killed between the event and the send. A child JVM runs the
 * application (embedded H2 store and DuckDB warehouse, as by default), a kpiJob fails its freshness gate and commits
 * its alerts to the outbox; the child is killed with SIGKILL ({@code Process.destroyForcibly}: no shutdown hook, no
 * close) before its sender ever ran. The application started again on the same data directory delivers exactly
 * those alerts to a local HTTP receiver, each dedup key once.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class AlertDeliveryAfterKillTest {

    static final LocalDate DATE = LocalDate.of(2025, 2, 10);

    @Test
    void alertsCommittedBeforeAKillAreDeliveredOnceAfterTheRestart() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            List<String> received = receiver.bodies();
            Path dir = TestData.newDataDir("alert-kill");
            List<String> args = List.of("--execkpi.data-dir=" + dir, "--execkpi.artifacts.dir=" + dir.resolve("a"),
                    "--execkpi.thelook.start=2025-01-01", "--execkpi.thelook.scale=0.05",
                    "--execkpi.bootstrap.enabled=false", "--execkpi.schedule.nightly=-",
                    "--execkpi.alerts.webhooks[0].url=" + receiver.url());

            List<String> childArgs = new ArrayList<>(List.of(DATE.toString()));
            childArgs.addAll(args);
            childArgs.add("--execkpi.alerts.poll-interval=1h");
            Process child = ChildJvm.start(dir, AlertOutboxChild.class, childArgs);
            List<String> pending = new ArrayList<>();
            // SIGKILL right after the commit, before any send
            boolean ready = ChildJvm.killAt(child, "ready"::equals, line -> {
                if (line.startsWith("pending ")) {
                    pending.add(line.substring(8));
                }
            }) != null;
            assertThat(ready).as("the child reached the kill point").isTrue();
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            assertThat(pending).hasSize(2).anyMatch(k -> k.startsWith("source-stale/revenue_daily/" + DATE))
                    .anyMatch(k -> k.startsWith("job-failed/kpiJob/"));
            assertThat(received).isEmpty();

            List<String> restartArgs = new ArrayList<>(args);
            restartArgs.add("--execkpi.alerts.poll-interval=100ms");
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                    .web(WebApplicationType.NONE).run(restartArgs.toArray(String[]::new))) {
                JdbcTemplate store = app.getBean(JdbcTemplate.class);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // the receiver answers before the sender records the delivery: wait for both
                while ((received.size() < pending.size() || store.queryForObject(
                        "SELECT COUNT(*) FROM alert_outbox WHERE status <> 'delivered'", Integer.class) > 0)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                // every row delivered in one attempt: a second delivery of any of them would need another round,
                // which finds nothing pending
                assertThat(store.queryForList("SELECT status || ' ' || attempts FROM alert_outbox", String.class))
                        .hasSize(pending.size()).containsOnly("delivered 1");
                app.getBean(AlertSender.class).sendDue();
            }
            JsonMapper json = JsonMapper.builder().build();
            List<String> keys = received.stream().map(b -> json.readTree(b).get("dedupKey").asString()).toList();
            assertThat(keys).containsExactlyInAnyOrderElementsOf(pending);
        }
    }
}
