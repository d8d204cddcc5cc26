package dev.mcppool.internal;

import dev.mcppool.PoolStats;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    PoolStats snapshot(long anonymousIdentities, List<PoolStats.KeyStats> keys, Duration oldestAge,
            Map<String, PoolStats.BreakerStats> breakers) {
        int leased = 0;
        int idle = 0;
        int creating = 0;
        int pending = 0;
        for (PoolStats.KeyStats k : keys) {
            leased += k.leased();
            idle += k.idle();
            creating += k.creating();
            pending += k.waiting();
        }
        return new PoolStats(hits.sum(), misses.sum(), evictions.sum(), healthCheckFailures.sum(),
                breakerTrips.sum(), keysEvicted.sum(), sessionsReaped.sum(), anonymousIdentities, staleRetries.sum(),
                creationFailures.sum(), acquireTimeouts.sum(), keys.size(), leased, idle, creating, pending,
                oldestAge, keys, breakers);
    }
}
