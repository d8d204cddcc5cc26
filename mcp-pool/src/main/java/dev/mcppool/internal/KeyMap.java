package dev.mcppool.internal;

import dev.mcppool.DiscardReason;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolKey;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partitions by key, bounded by {@code maxKeys}: at the cap the least recently used key with nothing leased,
 * creating or waiting is evicted to make room; when none can be, adding a key fails with
 * {@link PoolExhaustedException}.
 */
final class KeyMap<S> {

    private final PoolEngine<S> engine;
    private final PoolConfig config;
    private final PoolState state;
    private final ConcurrentHashMap<PoolKey, Partition<S>> partitions = new ConcurrentHashMap<>();
    private final AtomicInteger keyCount = new AtomicInteger();

    KeyMap(PoolEngine<S> engine, PoolConfig config, PoolState state) {
        this.engine = engine;
        this.config = config;
        this.state = state;
    }

    Partition<S> get(PoolKey key) {
        return partitions.get(key);
    }

    /** The partition of this spec's key, made if new. */
    Partition<S> partition(SessionSpec spec) {
        Partition<S> p = partitions.get(spec.key());
        if (p != null) {
            return p;
        }
        if (keyCount.get() >= config.maxKeys()) {
            evictUnusedKey();
        }
        return partitions.computeIfAbsent(spec.key(), key -> {
            if (keyCount.incrementAndGet() > config.maxKeys()) {
                keyCount.decrementAndGet();
                throw new PoolExhaustedException("pool holds maxKeys=" + config.maxKeys()
                        + " keys, all in use; cannot add " + key);
            }
            return new Partition<>(key, spec, state, engine.now());
        });
    }

    /**
     * At the key cap: removes the least recently used key that holds nothing leased, creating or waiting. The
     * candidates are read without their locks (a heuristic); the removal itself checks again under the lock.
     */
    private void evictUnusedKey() {
        Partition<S> victim = null;
        for (Partition<S> p : partitions.values()) {
            if (p.isUnused() && (victim == null || p.lastAccessAt - victim.lastAccessAt < 0)) {
                victim = p;
            }
        }
        Outcomes<S> out = new Outcomes<>();
        if (victim != null && victim.removeIfUnused(engine.now(), 0, DiscardReason.CAPACITY, out)) {
            remove(victim);
            engine.finish(out);
            engine.counters().keysEvicted.increment();
            engine.listener().keyEvicted(victim.key);
        }
    }

    /** Forgets a partition that marked itself removed. */
    void remove(Partition<S> p) {
        if (partitions.remove(p.key, p)) {
            keyCount.decrementAndGet();
        }
    }

    Collection<Partition<S>> all() {
        return partitions.values();
    }

    void clear() {
        partitions.clear();
        keyCount.set(0);
    }
}
