package io.execkpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.execkpi.jobs.JobEndedEvent;

import org.junit.jupiter.api.Test;

/**
 * The KPI read cache on a clock the test moves (no real waiting): expiry after the TTL, the size bound, clearing
 * when a job ends, no caching with a zero TTL, and one load per range under concurrent misses.
 */
class KpiReadCacheTest {

    static final Duration TTL = Duration.ofSeconds(10);
    static final LocalDate D = LocalDate.of(2025, 6, 30);

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final AtomicInteger loads = new AtomicInteger();

    KpiReadCache cache(Duration ttl, int maxEntries) {
        return new KpiReadCache(ttl, maxEntries, nanos::get, Runnable::run);
    }

    /** A load that counts itself and returns rows tagged with the load number. */
    Supplier<KpiReads.KpiRows> load(String kpi, LocalDate from) {
        return () -> {
            int n = loads.incrementAndGet();
            return new KpiReads.KpiRows(kpi, from, from, List.of("load"), List.of(Map.of("load", n)));
        };
    }

    static Object loadNumber(KpiReads.KpiRows rows) {
        return rows.rows().get(0).get("load");
    }

    @Test
    void aReadIsServedFromMemoryUntilTheTtlHasPassedSinceItsLoad() {
        KpiReadCache cache = cache(TTL, 100);
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(1);

        nanos.addAndGet(TTL.toNanos() - 1);
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(1);
        assertThat(loads).hasValue(1);

        nanos.addAndGet(1);  // exactly the TTL after the load: expired
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(2);
        // a read does not extend the life of an entry: it expires TTL after its own load
        nanos.addAndGet(TTL.toNanos() / 2);
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(2);
        nanos.addAndGet(TTL.toNanos() / 2);
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(3);
    }

    @Test
    void eachRangeOfEachKpiIsItsOwnEntry() {
        KpiReadCache cache = cache(TTL, 100);
        cache.get("revenue_daily", D, D, load("revenue_daily", D));
        cache.get("funnel_daily", D, D, load("funnel_daily", D));
        cache.get("revenue_daily", D.minusDays(1), D, load("revenue_daily", D.minusDays(1)));
        cache.get("revenue_daily", D, D.plusDays(1), load("revenue_daily", D));
        assertThat(loads).hasValue(4);
        assertThat(cache.size()).isEqualTo(4);
        cache.get("revenue_daily", D, D, load("revenue_daily", D));
        assertThat(loads).hasValue(4);
    }

    @Test
    void theCacheHoldsAtMostItsMaximumNumberOfRanges() {
        KpiReadCache cache = cache(TTL, 5);
        for (int i = 0; i < 50; i++) {
            cache.get("revenue_daily", D.minusDays(i), D.minusDays(i), load("revenue_daily", D.minusDays(i)));
            assertThat(cache.size()).as("after %d ranges", i + 1).isLessThanOrEqualTo(5);
        }
        assertThat(cache.size()).isEqualTo(5);
        assertThat(loads).hasValue(50);
        // what was evicted loads again: 50 ranges cannot all be served from 5 entries
        for (int i = 0; i < 50; i++) {
            cache.get("revenue_daily", D.minusDays(i), D.minusDays(i), load("revenue_daily", D.minusDays(i)));
        }
        assertThat(loads.get()).isGreaterThanOrEqualTo(50 + 45);
        assertThat(cache.size()).isEqualTo(5);
    }

    @Test
    void theEndOfAnyJobDropsEveryRead() {
        KpiReadCache cache = cache(TTL, 100);
        cache.get("revenue_daily", D, D, load("revenue_daily", D));
        cache.get("funnel_daily", D, D, load("funnel_daily", D));
        cache.jobEnded(new JobEndedEvent("mlJob", 7, "FAILED"));
        assertThat(cache.size()).isZero();
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(3);
    }

    @Test
    void aZeroTtlReadsEveryTime() {
        KpiReadCache cache = cache(Duration.ZERO, 100);
        for (int i = 1; i <= 3; i++) {
            assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(i);
        }
        cache.jobEnded(new JobEndedEvent("kpiJob", 1, "COMPLETED"));
    }

    @Test
    void aFailedLoadReachesTheCallerAndIsNotCached() {
        KpiReadCache cache = cache(TTL, 100);
        assertThatThrownBy(() -> cache.get("revenue_daily", D, D, () -> {
            throw new IllegalStateException("store down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("store down");
        assertThat(loadNumber(cache.get("revenue_daily", D, D, load("revenue_daily", D)))).isEqualTo(1);
    }

    @Test
    void concurrentMissesOfOneRangeLoadOnce() throws Exception {
        KpiReadCache cache = cache(TTL, 100);
        int callers = 8;
        CountDownLatch release = new CountDownLatch(1);
        Supplier<KpiReads.KpiRows> slowLoad = () -> {
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return load("revenue_daily", D).get();
        };
        List<Thread> threads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread t = new Thread(r);
            threads.add(t);
            return t;
        });
        try {
            List<Future<KpiReads.KpiRows>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> cache.get("revenue_daily", D, D, slowLoad)));
            }
            // every caller is parked: one inside the load, the others waiting for it (or, were loads not
            // shared, each inside a load of its own)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (threads.size() < callers || !threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.BLOCKED || t.getState() == Thread.State.TIMED_WAITING)) {
                assertThat(System.nanoTime()).as("callers parked in time").isLessThan(deadline);
                Thread.sleep(5);
            }
            release.countDown();
            for (Future<KpiReads.KpiRows> result : results) {
                assertThat(loadNumber(result.get(30, TimeUnit.SECONDS))).isEqualTo(1);
            }
            assertThat(loads).hasValue(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
