package io.execkpi.kpi;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.execkpi.jobs.JobEndedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Dashboards ask for the same few ranges again and again, and results change only when a job writes. Reads are
 * kept here until a job of this process ends (then everything is dropped at once) or, for jobs run by another
 * process sharing the store (a Kubernetes CronJob), for at most {@code execkpi.kpi.read-cache-ttl}.
 */
@Component
public class KpiReadCache {

    static final int MAX_ENTRIES = 2_000;

    private record Key(String kpi, LocalDate from, LocalDate to) {
    }

    private record Entry(KpiController.KpiRows rows, long expiresAt) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;

    public KpiReadCache(KpiProperties properties) {
        this.ttlNanos = properties.readCacheTtl().toNanos();
    }

    KpiController.KpiRows get(String kpi, LocalDate from, LocalDate to, Supplier<KpiController.KpiRows> load) {
        if (ttlNanos <= 0) {
            return load.get();
        }
        Key key = new Key(kpi, from, to);
        long now = System.nanoTime();
        Entry entry = entries.get(key);
        if (entry != null && now - entry.expiresAt() < 0) {
            return entry.rows();
        }
        KpiController.KpiRows rows = load.get();
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry(rows, now + ttlNanos));
        return rows;
    }

    @EventListener
    public void jobEnded(JobEndedEvent event) {
        entries.clear();
    }

}
