package dev.mcppool.internal;

import dev.mcppool.PoolKey;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sessions and waiters of one key. Every field below the lock is guarded by it, and the lock is only ever held
 * for bookkeeping: never across network I/O, never while completing a waiter's future.
 *
 * <p>Invariant: {@code leased + idle.size() + creating <= maxSessionsPerKey}; each of those sessions also holds one
 * unit of the engine's global session count.
 */
final class Partition<S> {

    final PoolKey key;
    final SessionSpec spec;
    final ReentrantLock lock = new ReentrantLock();

    /** Idle sessions, most recently used first. */
    final ArrayDeque<PooledEntry<S>> idle = new ArrayDeque<>();
    /** Callers waiting for a session, in arrival order. */
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    int leased;
    int creating;
    long lastAccessAt;
    /** Set when the key was evicted; an acquire that finds it looks the key up again. */
    boolean removed;
    /** Set while this partition sits in the engine's queue of partitions waiting for global room. */
    boolean starved;

    Partition(PoolKey key, SessionSpec spec, long now) {
        this.key = key;
        this.spec = spec;
        this.lastAccessAt = now;
    }

    int total() {
        return leased + idle.size() + creating;
    }
}
