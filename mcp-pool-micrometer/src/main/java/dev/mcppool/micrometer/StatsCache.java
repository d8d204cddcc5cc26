package dev.mcppool.micrometer;

import dev.mcppool.PoolStats;
import dev.mcppool.Ticker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PoolStats} snapshot shared by all gauges of a scrape. {@code stats()} locks every key of the pool
 * briefly, and a scrape reads six gauges: without this cache each scrape would take every key's lock six times.
 *
 * <p>Thread-safe and never blocks: when the snapshot is older than {@code maxAge}, one reader refreshes it while
 * concurrent readers keep using the previous one. The first snapshot is taken by the first read, not earlier, so
 * the first scrape is never stale. Never throws: if taking a snapshot fails, the previous one stays.
 */
final class StatsCache {

    private static final Logger log = LoggerFactory.getLogger(StatsCache.class);

    private final Supplier<PoolStats> source;
    private final Ticker ticker;
    private final long maxAgeNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private volatile Snapshot snapshot;

    private record Snapshot(PoolStats stats, long takenAt) {
    }

    StatsCache(Supplier<PoolStats> source, Ticker ticker, long maxAgeNanos) {
        this.source = source;
        this.ticker = ticker;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The current snapshot, refreshed first if it is too old; null only if no snapshot could ever be taken. */
    PoolStats get() {
        Snapshot current = snapshot;
        long now = ticker.nanoTime();
        if (current != null && now - current.takenAt < maxAgeNanos) {
            return current.stats;
        }
        if (current == null) {
            // The first reads: nothing to fall back on, so each reads the pool itself.
            return refresh(now, null);
        }
        if (!refreshing.compareAndSet(false, true)) {
            return current.stats;
        }
        try {
            return refresh(now, current);
        } finally {
            refreshing.set(false);
        }
    }

    private PoolStats refresh(long now, Snapshot previous) {
        try {
            Snapshot fresh = new Snapshot(source.get(), now);
            snapshot = fresh;
            return fresh.stats;
        } catch (RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                log.warn("Reading pool statistics for gauges failed; gauges keep the last values (logged once)", e);
            }
            return previous == null ? null : previous.stats;
        }
    }
}
