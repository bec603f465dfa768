package io.execkpi.warehouse;

/**
 * A warehouse query failed for good: a permanent error (its message is the warehouse's, e.g. BigQuery's
 * "Unrecognized name: …"), transient errors that outlasted the retries, or the query timeout.
 */
public class WarehouseQueryException extends RuntimeException {
    public WarehouseQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
