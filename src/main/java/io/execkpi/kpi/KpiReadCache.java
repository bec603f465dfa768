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
 * they were loaded. Besides the API's rows of a range, the KPI pages keep their smaller reads of it here (the row
 * count, a page of the table, the chart's rows), each under its own view name, and the catalog of {@code GET /api/kpis}
 * (KPI name "", view "catalog", no range).
 * The cache holds at most {@link #MAX_ENTRIES} reads (Caffeine's size eviction, not
 * least-recently-used exactly), and concurrent misses of one range run the load once: the other callers wait for
 * its result.
 */
@Component
public class KpiReadCache {

    /** The most (KPI, from, to) ranges kept at once. */
    static final int MAX_ENTRIES = 2_000;

    /**
     * A read of one KPI over [from, to] (null for a read of no range); {@code view} names which read ("rows", a page
     * of the table, the chart).
     */
    private record Key(String kpi, String view, LocalDate from, LocalDate to) {
    }

    /** Null when the TTL is zero: every read loads. */
    private final Cache<Key, Object> cache;

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
    KpiReads.KpiRows get(String kpi, LocalDate from, LocalDate to, Supplier<KpiReads.KpiRows> load) {
        return get(kpi, "rows", from, to, load);
    }

    /**
     * Another read of one KPI over [from, to], kept like {@link #get(String, LocalDate, LocalDate, Supplier)} under
     * its own {@code view} name (e.g. {@code "page 2"}, {@code "chart"}); the same view of the same range must always
     * load the same type.
     *
     * @param view names the read; distinct reads of a range need distinct names
     */
    @SuppressWarnings("unchecked")
    <T> T get(String kpi, String view, LocalDate from, LocalDate to, Supplier<T> load) {
        if (cache == null) {
            return load.get();
        }
        return (T) cache.get(new Key(kpi, view, from, to), key -> load.get());
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
