package io.execkpi.warehouse;

/** A query name that is not an allowed file name or has no SQL file for the warehouse's dialect. */
public class UnknownQueryException extends RuntimeException {
    public UnknownQueryException(String message) {
        super(message);
    }
}
