package io.execkpi.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.support.CatalogFiles;
import io.execkpi.support.TestData;
import io.execkpi.warehouse.EmbeddedWarehouse;
import io.execkpi.warehouse.WarehouseConfiguration;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts through the outbox to a local HTTP receiver: a kpiJob run whose source lacks its last day queues a
 * {@code source-stale} and a {@code job-failed} alert. The application is closed before anything is sent; the next
 * start delivers each alert exactly once per webhook (json and slack), after the receiver has refused the first two
 * attempts, with no secret of the URL or the API token in any payload.
 */
class AlertDeliveryTest {

    static final LocalDate TO = LocalDate.of(2025, 2, 10);
    static final String SECRET = "T000-secret-path";
    static final String TOKEN = "alert-test-token-0123456789";

    record Received(String path, String body, int status) {
    }

    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void eachAlertIsDeliveredOncePerWebhookAfterRetriesAndAcrossARestart() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger jsonRequests = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            int status = path.contains("/json/") && jsonRequests.incrementAndGet() <= 2 ? 500 : 200;
            received.add(new Received(path, body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Path dir = TestData.newDataDir("alerts");
            Path files = CatalogFiles.write(dir, Files.readString(Path.of("jobs/kpis.yml")));
            String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
            String[] alerts = {"--execkpi.api.token=" + TOKEN,
                    "--execkpi.alerts.webhooks[0].url=" + base + "/json/" + SECRET,
                    "--execkpi.alerts.webhooks[0].format=json",
                    "--execkpi.alerts.webhooks[1].url=" + base + "/slack/" + SECRET,
                    "--execkpi.alerts.webhooks[1].format=slack",
                    "--execkpi.alerts.webhooks[1].events=job-failed",
                    "--execkpi.alerts.initial-backoff=200ms", "--execkpi.alerts.max-backoff=1s"};

            // first run: the alerts are written with the job's outcome; the app stops before the sender's first round
            try (ConfigurableApplicationContext app = CatalogFiles.start(dir, files, "2025-01-01", "0.05",
                    with(alerts, "--execkpi.alerts.poll-interval=1h"))) {
                app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(TO);
                JdbcTemplate warehouse = new JdbcTemplate(
                        app.getBean(WarehouseConfiguration.WarehouseConnection.class).dataSource());
                // the last day has not arrived: its rows are missing and the load watermark is the day before
                warehouse.update("DELETE FROM orders WHERE created_at >= ?", TO.atStartOfDay());
                warehouse.update("UPDATE thelook_meta SET last_generated = ?", TO.minusDays(1));
                assertThat(app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, new JobRequest(TO, TO, false))
                        .getStatus()).isEqualTo(BatchStatus.FAILED);
                JdbcTemplate store = app.getBean(JdbcTemplate.class);
                assertThat(store.queryForList("SELECT event FROM alert_outbox WHERE status = 'pending' ORDER BY id",
                        String.class)).containsExactlyInAnyOrder("source-stale", "job-failed", "job-failed");
            }
            assertThat(received).isEmpty();

            // second start: the sender delivers what the first left pending
            try (ConfigurableApplicationContext app = CatalogFiles.start(dir, files, "2025-01-01", "0.05",
                    with(alerts, "--execkpi.alerts.poll-interval=100ms"))) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (delivered(received) < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(1_000); // nothing more arrives
                JdbcTemplate store = app.getBean(JdbcTemplate.class);
                assertThat(store.queryForList("SELECT DISTINCT status FROM alert_outbox", String.class))
                        .containsExactly("delivered");
                assertThat(store.queryForObject("SELECT SUM(attempts) FROM alert_outbox WHERE webhook = 0",
                        Integer.class)).isEqualTo(4);
            }
            List<Received> ok = received.stream().filter(r -> r.status() == 200).toList();
            assertThat(ok).hasSize(3);
            assertThat(received).hasSize(5);
            assertThat(received).allSatisfy(r -> assertThat(r.body()).doesNotContain(SECRET).doesNotContain(TOKEN));

            Map<String, JsonNode> jsonByEvent = new java.util.HashMap<>();
            for (Received r : ok) {
                if (r.path().contains("/json/")) {
                    JsonNode payload = json.readTree(r.body());
                    assertThat(jsonByEvent.put(payload.get("event").asString(), payload)).isNull();
                }
            }
            assertThat(jsonByEvent).containsOnlyKeys("source-stale", "job-failed");
            JsonNode stale = jsonByEvent.get("source-stale");
            assertThat(stale.get("severity").asString()).isEqualTo("error");
            assertThat(stale.get("summary").asString()).contains("source `orders` has data only through 2025-02-09");
            assertThat(stale.get("dedupKey").asString())
                    .isEqualTo("source-stale/revenue_daily/" + TO + "/freshness(orders)/error");
            assertThat(stale.get("details").get("kpi").asString()).isEqualTo("revenue_daily");
            assertThat(stale.has("occurredAt")).isTrue();
            JsonNode failed = jsonByEvent.get("job-failed");
            assertThat(failed.get("details").get("job").asString()).isEqualTo("kpiJob");
            assertThat(failed.get("summary").asString()).contains("ended FAILED: source `orders` has data only through");
            List<Received> slack = ok.stream().filter(r -> r.path().contains("/slack/")).toList();
            assertThat(slack).hasSize(1);
            assertThat(json.readTree(slack.get(0).body()).get("text").asString()).startsWith("[error] job-failed: ");
        } finally {
            receiver.stop(0);
        }
    }

    private static long delivered(List<Received> received) {
        return received.stream().filter(r -> r.status() == 200).count();
    }

    private static String[] with(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
