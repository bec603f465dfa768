package io.execkpi.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A transaction held open on another thread, e.g. to keep a row lock that makes a job wait: {@link #open} returns
 * once {@code work} has run inside the transaction; {@link #close} commits it.
 */
public final class HeldTransaction implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;

    private HeldTransaction(PlatformTransactionManager transactionManager, Runnable work, CountDownLatch done) {
        thread = new Thread(() -> new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
            work.run();
            done.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "held-transaction");
    }

    /** Runs {@code work} in a new transaction on another thread and keeps that transaction open. */
    public static HeldTransaction open(PlatformTransactionManager transactionManager, Runnable work)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        HeldTransaction held = new HeldTransaction(transactionManager, work, done);
        held.thread.start();
        if (!done.await(60, TimeUnit.SECONDS)) {
            held.close();
            throw new IllegalStateException("the held transaction's work did not finish");
        }
        return held;
    }

    /** Commits the transaction and waits for its thread. */
    @Override
    public void close() throws InterruptedException {
        release.countDown();
        thread.join();
    }
}
