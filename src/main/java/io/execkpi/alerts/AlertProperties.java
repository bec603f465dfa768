package io.execkpi.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Alert webhooks ({@code execkpi.alerts.*}).
 *
 * @param webhooks       where alerts go; none by default (no alert is written then)
 * @param maxAttempts    deliveries tried per alert and webhook before it is marked failed
 * @param initialBackoff wait after the first failed delivery; doubled after each further failure
 * @param maxBackoff     the longest wait between two attempts
 * @param pollInterval   how often the sender looks for due alerts
 * @param timeout        connect and response timeout of one delivery
 * @param modelAucDrop   {@code model-degraded} when a published model's test AUC is more than this below the previous
 *                       run's (absolute, in AUC units: 0.02 = two points)
 * @param assignmentsStalledDays {@code experiment-health} when an experiment gained no assigned user over this many
 *                       days (as of the evaluated date against this many days before)
 * @param reconcileDays  look-back window, in days before now, of {@link AlertReconciler}: the job executions that
 *                       ended within it have their job, experiment and model alerts derived again (0: never)
 */
@ConfigurationProperties("execkpi.alerts")
public record AlertProperties(
        @DefaultValue List<Webhook> webhooks,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("5s") Duration initialBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("0.02") double modelAucDrop,
        @DefaultValue("3") int assignmentsStalledDays,
        @DefaultValue("7") int reconcileDays) {

    /** Alert kinds a webhook can subscribe to. */
    public static final List<String> EVENTS = List.of("job-failed", "job-recovered", "source-stale", "data-test-failed",
            "anomaly", "srm", "experiment-health", "model-degraded");

    public AlertProperties {
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0
                || pollInterval.isNegative() || pollInterval.isZero() || timeout.isNegative() || timeout.isZero()
                || !(modelAucDrop >= 0 && modelAucDrop <= 1) || assignmentsStalledDays < 1 || reconcileDays < 0) {
            throw new IllegalArgumentException("execkpi.alerts.*: max-attempts >= 1, 0 <= initial-backoff <="
                    + " max-backoff, poll-interval and timeout > 0, model-auc-drop in [0, 1],"
                    + " assignments-stalled-days >= 1, reconcile-days >= 0");
        }
        for (int i = 0; i < webhooks.size(); i++) {
            Webhook w = webhooks.get(i);
            if (w.url() == null || !("https".equals(w.url().getScheme()) || "http".equals(w.url().getScheme()))) {
                throw new IllegalArgumentException("execkpi.alerts.webhooks[" + i + "].url must be an http(s) URL");
            }
            if (!EVENTS.containsAll(w.events())) {
                throw new IllegalArgumentException("execkpi.alerts.webhooks[" + i + "].events: expected some of "
                        + EVENTS);
            }
        }
    }

    /** Payload shape of a webhook. */
    public enum Format {
        /** A Slack-compatible incoming-webhook payload: {@code {"text": "…"}}. */
        SLACK,
        /** {@code event}, {@code severity}, {@code summary}, {@code occurredAt}, {@code dedupKey}, {@code details}. */
        JSON
    }

    /**
     * One receiver.
     *
     * @param url    where alerts are POSTed; may hold a secret (Slack's do): it is never logged nor stored
     * @param format {@code slack} or {@code json} (default)
     * @param events the alert kinds it receives; empty or absent: all of {@link #EVENTS}
     */
    public record Webhook(URI url, Format format, List<String> events) {

        public Webhook {
            format = format == null ? Format.JSON : format;
            events = events == null ? List.of() : List.copyOf(events);
        }

        /** Whether the webhook receives alerts of kind {@code event}. */
        public boolean wants(String event) {
            return events.isEmpty() || events.contains(event);
        }
    }
}
