package dev.mcppool.internal;

import dev.mcppool.PoolStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The pool's monotonic counters, incremented from any thread without locks, and the stats snapshot built on them. */
final class PoolCounters {

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder healthCheckFailures = new LongAdder();
    final LongAdder breakerTrips = new LongAdder();
    final LongAdder keysEvicted = new LongAdder();
    final LongAdder sessionsReaped = new LongAdder();
    final LongAdder staleRetries = new LongAdder();
    final LongAdder creationFailures = new LongAdder();
    final LongAdder acquireTimeouts = new LongAdder();

    /** The counters with the state of every key, the age of the oldest open session and the breakers, at {@code now}. */
    <S> PoolStats snapshot(long anonymousIdentities, Collection<Partition<S>> partitions, Collection<PooledEntry<S>> live,
            BreakerRegistry breakers, long now) {
        List<PoolStats.KeyStats> keys = new ArrayList<>();
        int leased = 0;
        int idle = 0;
        int creating = 0;
        int pending = 0;
        for (Partition<S> p : partitions) {
            PoolStats.KeyStats k = p.stats();
            keys.add(k);
            leased += k.leased();
            idle += k.idle();
            creating += k.creating();
            pending += k.waiting();
        }
        keys.sort(Comparator.comparing(k -> k.key().toString()));
        long oldest = Long.MAX_VALUE;
        for (PooledEntry<S> e : live) {
            oldest = Math.min(oldest, e.createdAt);
        }
        Duration oldestAge = oldest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - oldest));
        return new PoolStats(hits.sum(), misses.sum(), evictions.sum(), healthCheckFailures.sum(),
                breakerTrips.sum(), keysEvicted.sum(), sessionsReaped.sum(), anonymousIdentities, staleRetries.sum(),
                creationFailures.sum(), acquireTimeouts.sum(), keys.size(), leased, idle, creating, pending,
                oldestAge, List.copyOf(keys), breakers.snapshot(now));
    }
}
