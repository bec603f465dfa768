package io.execkpi.kpi;

import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.api.Trigger;

/** An H2 row trigger that counts the rows inserted, updated and deleted in the table it is created on (tests only). */
public class RowCountingTrigger implements Trigger {

    static final AtomicInteger INSERTED = new AtomicInteger();
    static final AtomicInteger UPDATED = new AtomicInteger();
    static final AtomicInteger DELETED = new AtomicInteger();

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
        if (oldRow == null) {
            INSERTED.incrementAndGet();
        } else if (newRow == null) {
            DELETED.incrementAndGet();
        } else {
            UPDATED.incrementAndGet();
        }
    }
}
