package io.execkpi.kpi;

import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.execkpi.jobs.JobEndedEvent;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Dashboards ask for the same few ranges again and again, and results change only when a job writes. Reads are
 * kept in a Caffeine cache until a job of this process ends (then everything is dropped at once) or, for jobs run
 * by another process sharing the store (a Kubernetes CronJob), for at most {@code execkpi.kpi.read-cache-ttl} after
 * they were loaded. The cache holds at most {@link #MAX_ENTRIES} ranges (Caffeine's size eviction, not
 * least-recently-used exactly), and concurrent misses of one range run the load once: the other callers wait for
 * its result.
 */
@Component
public class KpiReadCache {

    /** The most (KPI, from, to) ranges kept at once. */
    static final int MAX_ENTRIES = 2_000;

    private record Key(String kpi, LocalDate from, LocalDate to) {
    }

    /** Null when the TTL is zero: every read loads. */
    private final Cache<Key, KpiController.KpiRows> cache;

    /**
     * A cache with {@code execkpi.kpi.read-cache-ttl} as time to live, {@link #MAX_ENTRIES} entries and the system
     * clock.
     *
     * @param properties the KPI settings; a zero or negative {@code readCacheTtl} disables the cache
     */
    @Autowired
    public KpiReadCache(KpiProperties properties) {
        this(properties.readCacheTtl(), MAX_ENTRIES, Ticker.systemTicker(), ForkJoinPool.commonPool());
    }

    /**
     * For tests: a controllable clock and maintenance executor.
     *
     * @param ttl        time to live after a load; zero or negative = no cache
     * @param maxEntries most ranges kept
     * @param ticker     the clock that expiry reads, in nanoseconds
     * @param executor   runs Caffeine's maintenance (eviction); {@code Runnable::run} makes it synchronous
     */
    KpiReadCache(Duration ttl, int maxEntries, Ticker ticker, Executor executor) {
        this.cache = ttl.isZero() || ttl.isNegative() ? null : Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .executor(executor)
                .build();
    }

    /**
     * The rows of one KPI over [from, to]: from memory when loaded less than the TTL ago and no job of this process
     * has ended since, else from {@code load} (called at most once at a time per range; concurrent callers of the
     * same range wait and share its result).
     *
     * @param kpi  KPI name
     * @param from first partition date, inclusive
     * @param to   last partition date, inclusive
     * @param load reads the rows from the results store; what it throws reaches the caller and nothing is cached
     * @return the rows, never null when {@code load} returns non-null
     */
    KpiController.KpiRows get(String kpi, LocalDate from, LocalDate to, Supplier<KpiController.KpiRows> load) {
        if (cache == null) {
            return load.get();
        }
        return cache.get(new Key(kpi, from, to), key -> load.get());
    }

    /** Ranges held now, after pending evictions and expirations have been applied (for tests). */
    long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /**
     * Drops every cached read: a job of this process has ended and may have written results.
     *
     * @param event the ended job (any job, whatever its status)
     */
    @EventListener
    public void jobEnded(JobEndedEvent event) {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

}
