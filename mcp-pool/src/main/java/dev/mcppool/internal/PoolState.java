package dev.mcppool.internal;

import dev.mcppool.PoolConfig;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The few pool-wide facts every partition reads under its own lock: the per-key cap, the global budget, the
 * drain generation, the health-check interval and whether the pool is closed.
 */
final class PoolState {

    final int maxPerKey;
    final long healthCheckIntervalNanos;
    final SessionBudget budget;
    final AtomicInteger generation = new AtomicInteger();
    volatile boolean closed;

    PoolState(PoolConfig config) {
        this.maxPerKey = config.maxSessionsPerKey();
        this.healthCheckIntervalNanos = config.healthCheckInterval().toNanos();
        this.budget = new SessionBudget(config.maxTotalSessions());
    }
}
