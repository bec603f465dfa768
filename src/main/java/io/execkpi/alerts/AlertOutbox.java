package io.execkpi.alerts;

import java.sql.Timestamp;
import java.util.List;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes alerts to the outbox table {@code alert_outbox} of the results store, one row per alert and webhook that
 * wants it, in the caller's transaction: an alert commits together with what it reports and survives a crash
 * before it is sent. {@link AlertSender} delivers the rows.
 */
@Component
public class AlertOutbox {

    private final JdbcTemplate jdbc;
    private final AlertProperties properties;
    private final JsonMapper json = JsonMapper.builder().build();

    /** @param jdbc the results store */
    public AlertOutbox(JdbcTemplate jdbc, AlertProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Queues the alert for every webhook that wants its event; an alert whose dedup key is already queued for a
     * webhook is not queued again (insert-if-absent on the unique pair; outside a transaction a concurrent insert of
     * the same key is absorbed, inside one it is thrown as a {@link DuplicateKeyException}). Does nothing without
     * webhooks.
     *
     * @return the number of rows written
     */
    public int enqueue(Alert alert) {
        int written = 0;
        List<AlertProperties.Webhook> webhooks = properties.webhooks();
        for (int i = 0; i < webhooks.size(); i++) {
            if (!webhooks.get(i).wants(alert.event())) {
                continue;
            }
            Integer known = jdbc.queryForObject("SELECT COUNT(*) FROM alert_outbox WHERE dedup_key = ? AND webhook = ?",
                    Integer.class, alert.dedupKey(), i);
            if (known != null && known > 0) {
                continue;
            }
            Timestamp at = Timestamp.from(alert.occurredAt());
            try {
                written += jdbc.update("INSERT INTO alert_outbox (webhook, event, severity, summary, details,"
                                + " dedup_key, occurred_at, status, attempts, next_attempt_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
                        i, alert.event(), alert.severity(), truncate(alert.summary(), 1000),
                        truncate(json.writeValueAsString(alert.details()), 4000), truncate(alert.dedupKey(), 300),
                        at, at);
            } catch (DuplicateKeyException e) {
                // the job's own path and AlertReconciler queued the same key at the same moment: the unique
                // (dedup_key, webhook) kept one. Inside a transaction (PostgreSQL aborts it) the caller must decide.
                if (TransactionSynchronizationManager.isActualTransactionActive()) {
                    throw e;
                }
            }
        }
        return written;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
