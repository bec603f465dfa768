package io.execkpi.alerts;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers the alert outbox: a single daemon thread, at start and then every {@code poll-interval}, first lets
 * {@link AlertReconciler} queue alerts a crash lost, then POSTs each due pending row to its webhook. A 2xx answer
 * marks it delivered; anything else (an error status, a refused connection, a timeout) is retried after
 * {@code initial-backoff}, doubled per failure up to {@code max-backoff}, until {@code max-attempts} attempts have
 * failed (then the row is marked failed). Delivery is at least once: a crash between a delivery and its marking
 * resends it, with the same {@code dedupKey}. It never runs on a job's thread, so a slow or failing receiver never
 * blocks or fails a job. Logs name the webhook by its index, never its URL (which may hold a secret).
 */
@Component
public class AlertSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertSender.class);
    private static final int BATCH = 50;

    private final JdbcTemplate jdbc;
    private final AlertProperties properties;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final AlertReconciler reconciler;
    private ScheduledExecutorService scheduler;

    /**
     * @param jdbc       the results store holding {@code alert_outbox}
     * @param reconciler run before every round, so alerts a crash lost are queued and sent
     */
    public AlertSender(JdbcTemplate jdbc, AlertProperties properties, AlertReconciler reconciler) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.reconciler = reconciler;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public synchronized void start() {
        if (scheduler == null && !properties.webhooks().isEmpty()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "alert-sender");
                t.setDaemon(true);
                return t;
            });
            long every = properties.pollInterval().toMillis();
            // the first round right away: alerts lost by a crash before this start are re-derived and sent
            scheduler.scheduleWithFixedDelay(this::sendDueSafely, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    private void sendDueSafely() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            log.warn("Alert reconciliation failed, retried at the next poll: {}", e.toString());
        }
        try {
            sendDue();
        } catch (RuntimeException e) {
            log.warn("Alert delivery round failed, retried at the next poll: {}", e.toString());
        }
    }

    /**
     * Tries every due pending alert once. One round at a time in this process (the background poll and a direct call
     * never send the same row twice).
     *
     * @return the number delivered in this round
     */
    public synchronized int sendDue() {
        record Row(long id, int webhook, String event, String severity, String summary, String details,
                   String dedupKey, Instant occurredAt, int attempts) {
        }
        List<Row> due = jdbc.query("SELECT id, webhook, event, severity, summary, details, dedup_key, occurred_at,"
                        + " attempts FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id"
                        + " FETCH FIRST " + BATCH + " ROWS ONLY",
                (rs, n) -> new Row(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getInt(9)),
                Timestamp.from(Instant.now()));
        int delivered = 0;
        for (Row row : due) {
            if (row.webhook() >= properties.webhooks().size()) {
                jdbc.update("UPDATE alert_outbox SET status = 'failed', last_error = ? WHERE id = ?",
                        "webhook " + row.webhook() + " is no longer configured", row.id());
                continue;
            }
            AlertProperties.Webhook webhook = properties.webhooks().get(row.webhook());
            Map<String, Object> details = json.readValue(row.details(), new TypeReference<Map<String, Object>>() { });
            String body = body(webhook.format(), new Alert(row.event(), row.severity(), row.summary(), row.dedupKey(),
                    row.occurredAt(), details));
            String error = post(webhook, body);
            if (error == null) {
                jdbc.update("UPDATE alert_outbox SET status = 'delivered', attempts = ?, delivered_at = ?,"
                        + " last_error = NULL WHERE id = ?", row.attempts() + 1, Timestamp.from(Instant.now()), row.id());
                delivered++;
                continue;
            }
            int attempts = row.attempts() + 1;
            boolean giveUp = attempts >= properties.maxAttempts();
            Duration wait = backoff(attempts);
            jdbc.update("UPDATE alert_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?"
                    + " WHERE id = ?", giveUp ? "failed" : "pending", attempts,
                    Timestamp.from(Instant.now().plus(wait)), error, row.id());
            log.warn("Alert {} ({}) to webhook {} failed (attempt {} of {}): {}{}", row.id(), row.event(),
                    row.webhook(), attempts, properties.maxAttempts(), error,
                    giveUp ? "; giving up" : "; retrying in " + wait.toMillis() + " ms");
        }
        return delivered;
    }

    /** The wait after the {@code attempts}-th failed delivery: initial-backoff × 2^(attempts-1), capped. */
    Duration backoff(int attempts) {
        Duration wait = properties.initialBackoff();
        for (int i = 1; i < attempts && wait.compareTo(properties.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : wait;
    }

    /** The request body of an alert in a webhook's format. */
    String body(AlertProperties.Format format, Alert alert) {
        if (format == AlertProperties.Format.SLACK) {
            return json.writeValueAsString(Map.of("text", "[" + alert.severity() + "] " + alert.event() + ": "
                    + alert.summary()));
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", alert.event());
        payload.put("severity", alert.severity());
        payload.put("summary", alert.summary());
        payload.put("occurredAt", alert.occurredAt().toString());
        payload.put("dedupKey", alert.dedupKey());
        payload.put("details", alert.details());
        return json.writeValueAsString(payload);
    }

    /** @return null when delivered, otherwise a short reason without the URL */
    private String post(AlertProperties.Webhook webhook, String body) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(webhook.url())
                    .timeout(properties.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (java.io.IOException e) {
            return e.getClass().getSimpleName();
        }
    }
}
