package dev.mcppool.spring.internal;

import dev.mcppool.Ticker;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A bounded cache whose values expire a fixed time after they were loaded. Loads run on the caller's thread with no
 * lock held; concurrent callers of one key wait for the one load in flight instead of starting their own. A failed
 * load is not cached. When full, expired entries go first, then the oldest. Thread-safe.
 *
 * @param <K> the key
 * @param <V> the value
 */
public final class ExpiringCache<K, V> {

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final Ticker ticker;

    private record Entry<V>(CompletableFuture<V> value, long loadedAt) {
    }

    /**
     * @param ttl        how long a loaded value is served
     * @param maxEntries most entries held
     * @param ticker     the clock
     */
    public ExpiringCache(Duration ttl, int maxEntries, Ticker ticker) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, but was " + maxEntries);
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.ticker = ticker;
    }

    /**
     * The value of {@code key}: the cached one if it has not expired, else the one {@code loader} returns now (or
     * that a concurrent caller's load returns).
     *
     * @throws RuntimeException what the loader threw
     */
    public V get(K key, Supplier<V> loader) {
        while (true) {
            long now = ticker.nanoTime();
            Entry<V> current = entries.get(key);
            if (current != null && !expired(current, now)) {
                V value = await(current);
                if (value != null) {
                    return value;
                }
                continue; // its load failed and was removed: try again, perhaps loading ourselves
            }
            Entry<V> mine = new Entry<>(new CompletableFuture<>(), now);
            boolean won = current == null
                    ? entries.putIfAbsent(key, mine) == null
                    : entries.replace(key, current, mine);
            if (won) {
                return load(key, mine, loader);
            }
        }
    }

    private V load(K key, Entry<V> mine, Supplier<V> loader) {
        V value;
        try {
            value = loader.get();
        } catch (RuntimeException | Error e) {
            entries.remove(key, mine);
            mine.value().completeExceptionally(e);
            throw e;
        }
        mine.value().complete(value);
        if (entries.size() > maxEntries) {
            shrink(ticker.nanoTime());
        }
        return value;
    }

    /** The value of another caller's load; null if that load failed (its caller reports the failure). */
    private V await(Entry<V> entry) {
        try {
            return entry.value().join();
        } catch (CompletionException | CancellationException e) {
            return null;
        }
    }

    private boolean expired(Entry<V> entry, long now) {
        return entry.value().isDone() && now - entry.loadedAt() >= ttlNanos;
    }

    private void shrink(long now) {
        entries.entrySet().removeIf(e -> expired(e.getValue(), now));
        while (entries.size() > maxEntries) {
            Map.Entry<K, Entry<V>> oldest = null;
            for (Iterator<Map.Entry<K, Entry<V>>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<K, Entry<V>> e = it.next();
                if (oldest == null || e.getValue().loadedAt() - oldest.getValue().loadedAt() < 0) {
                    oldest = e;
                }
            }
            if (oldest == null || !entries.remove(oldest.getKey(), oldest.getValue())) {
                return;
            }
        }
    }

    /** Drops the entries whose key matches, so their next {@link #get} loads again. */
    public void invalidate(Predicate<? super K> keys) {
        entries.keySet().removeIf(keys);
    }

    /** Entries held, loaded or loading. */
    public int size() {
        return entries.size();
    }
}
