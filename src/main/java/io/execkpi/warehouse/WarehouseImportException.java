package io.execkpi.warehouse;

/**
 * An export folder that cannot be imported: a missing folder or required table, or a bad file. The message is one
 * line naming the file, and where it applies the line and column; the warehouse was left as it was.
 */
public class WarehouseImportException extends RuntimeException {

    /** @param message one line naming file, line and column */
    public WarehouseImportException(String message) {
        super(message);
    }

    /**
     * @param message one line naming file, line and column
     * @param cause   the reader's error
     */
    public WarehouseImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
