package io.execkpi.alerts;

import java.time.Instant;
import java.util.Map;

/**
 * An alert to deliver.
 *
 * @param event      one of {@link AlertProperties#EVENTS}
 * @param severity   {@code info} (good news: {@code job-recovered}), {@code warn} or {@code error}
 * @param summary    one sentence for a person
 * @param dedupKey   identifies the alert: a receiver that sees it twice (at-least-once delivery) can drop the
 *                   second; the outbox also writes an alert with a known key only once
 * @param occurredAt when the condition was observed (UTC)
 * @param details    job, execution id, KPI, date, numbers: strings and numbers only, never a secret
 */
public record Alert(String event, String severity, String summary, String dedupKey, Instant occurredAt,
                    Map<String, Object> details) {
}
