package io.execkpi.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * The lock a launch of a job holds from its decision (start, restart, refuse) until its execution exists: a row lock
 * on {@code launch/<job>} in the job repository's database (table {@code kpi_write_lock}, migration V5), so it holds
 * across processes sharing the job repository.
 *
 * <p>Why: Spring Batch 6 creates a new job instance and its first execution in two transactions
 * ({@code TaskExecutorJobLauncher.createJobExecution}); a process that dies between them leaves an instance without
 * an execution, which every later launch of those parameters refuses ("Cannot find any job execution for job
 * instance"). Such an instance is repaired by {@link OrphanedInstances}, under this lock: while a launch holds it, an
 * instance of its job without an execution may still be about to get one; once the repair holds it, none is.
 *
 * <p>The lock lives on a connection of its own, outside Spring's transactions (Spring Batch refuses to create
 * instances inside a caller's transaction). It is released by {@link Held#close()} or, for a synchronous launch whose
 * job runs in the launching thread, as soon as the launcher hands the created execution to its task executor
 * ({@link #releasingExecutor}), so a running job never holds it.
 */
@Component
public class JobLaunchLock {

    private static final ThreadLocal<Held> HELD = new ThreadLocal<>();

    private final DataSource store;

    /** @param store the job repository's database */
    public JobLaunchLock(DataSource store) {
        this.store = store;
    }

    /**
     * Takes the launch lock of {@code jobName}, waiting for another launch of that job (here or in another process)
     * to have created its execution.
     *
     * @return the held lock, to be closed (closing twice, or after {@link #releasingExecutor} released it, does
     *         nothing)
     * @throws IllegalStateException when the database cannot be reached or the lock is not granted in its lock
     *                               timeout
     */
    public Held acquire(String jobName) {
        String name = "launch/" + jobName;
        Connection connection = null;
        try {
            connection = store.getConnection();
            connection.setAutoCommit(true);
            if (!exists(connection, name)) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO kpi_write_lock (kpi) VALUES (?)")) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) { // unique violation: another launch created it first
                        throw e;
                    }
                }
            }
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT kpi FROM kpi_write_lock WHERE kpi = ? FOR UPDATE")) {
                select.setString(1, name);
                select.executeQuery().close();
            }
            Held held = new Held(connection, HELD.get());
            HELD.set(held);
            return held;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new IllegalStateException("Cannot take the launch lock of " + jobName + ": " + e.getMessage(), e);
        }
    }

    /**
     * A task executor for a job launcher: before it runs (or hands on) a job execution, which the launcher has
     * created by then, it releases the launch lock the calling thread holds.
     */
    public static TaskExecutor releasingExecutor(TaskExecutor delegate) {
        return task -> {
            Held held = HELD.get();
            if (held != null) {
                held.close();
            }
            delegate.execute(task);
        };
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT kpi FROM kpi_write_lock WHERE kpi = ?")) {
            select.setString(1, name);
            try (var rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the lock dies with the connection
            }
        }
    }

    /** A held launch lock; {@link #close()} commits its transaction, which releases it. */
    public static final class Held implements AutoCloseable {

        private final Connection connection;
        private final Held outer;
        private boolean released;

        private Held(Connection connection, Held outer) {
            this.connection = connection;
            this.outer = outer;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            if (HELD.get() == this) {
                if (outer == null) {
                    HELD.remove();
                } else {
                    HELD.set(outer);
                }
            }
            try {
                connection.commit();
            } catch (SQLException ignored) {
                // closing the connection rolls back, which releases the lock as well
            } finally {
                closeQuietly(connection);
            }
        }
    }
}
