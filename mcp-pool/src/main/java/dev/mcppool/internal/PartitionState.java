package dev.mcppool.internal;

import static dev.mcppool.internal.SessionState.CLOSING;
import static dev.mcppool.internal.SessionState.IDLE;
import static dev.mcppool.internal.SessionState.LEASED;
import static dev.mcppool.internal.SessionState.VALIDATING;

import dev.mcppool.DiscardReason;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolStats;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one key and the steps, each taken under its lock, that {@link Partition}'s transitions are made
 * of. Nothing outside {@link Partition} uses it.
 */
abstract class PartitionState<S> {

    final PoolKey key;
    final SessionSpec spec;
    final PoolState pool;
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
    /** Set while the partition sits in the budget's queue of partitions waiting for a global unit. */
    boolean starved;

    /** A grant made under the lock, to be handed to its waiter after it, in the order grants were made. */
    record Delivery(Waiter waiter, Reservation grant) {
    }

    /** Grants not yet handed over; appended under the lock, so in grant order. */
    final java.util.concurrent.ConcurrentLinkedQueue<Delivery> deliveries =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Work-in-progress count of the one thread at a time that hands deliveries over. */
    final java.util.concurrent.atomic.AtomicInteger deliveryWip = new java.util.concurrent.atomic.AtomicInteger();

    PartitionState(PoolKey key, SessionSpec spec, PoolState pool, long now) {
        this.key = key;
        this.spec = spec;
        this.pool = pool;
        this.lastAccessAt = now;
    }

    /** Whether nothing uses the key now (read under the lock). */
    final boolean isUnused() {
        lock.lock();
        try {
            return !removed && leased == 0 && creating == 0 && waiters.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the most recently used idle session still fit to hand out, now LEASED or VALIDATING. */
    final PooledEntry<S> takeIdleLocked(long now, Outcomes<S> out) {
        PooledEntry<S> e;
        while ((e = idle.pollFirst()) != null) {
            DiscardReason retire = retireReason(e, now);
            if (retire != null) {
                e.moveTo(IDLE, CLOSING);
                out.discard(e, retire);
                continue;
            }
            e.moveTo(IDLE, needsCheck(e, now) ? VALIDATING : LEASED);
            leased++;
            return e;
        }
        return null;
    }

    /**
     * Under the lock: grants idle sessions or creation slots to queued callers, in arrival order. The futures are
     * completed after the lock, by one thread at a time and in grant order ({@link #deliveries}); a waiter that gave
     * up by then gets its grant undone.
     */
    final void dispatchLocked(long now, Outcomes<S> out) {
        while (!waiters.isEmpty()) {
            if (waiters.peekFirst().future.isDone()) {
                waiters.pollFirst();
                continue;
            }
            Reservation grant = takeIdleLocked(now, out);
            if (grant == null) {
                if (total() >= pool.maxPerKey || pool.closed) {
                    return;
                }
                if (!pool.budget.tryTake()) {
                    pool.budget.markStarved(this);
                    return;
                }
                creating++;
                grant = Reservation.Signal.CREATE;
            }
            deliveries.add(new Delivery(waiters.pollFirst(), grant));
            out.deliver((Partition<S>) this);
        }
    }

    final int discardIdleLocked(DiscardReason reason, Outcomes<S> out) {
        int n = idle.size();
        for (PooledEntry<S> e : idle) {
            e.moveTo(IDLE, CLOSING);
            out.discard(e, reason);
        }
        idle.clear();
        return n;
    }

    // ------------------------------------------------------------------------------------------------ reading

    final DiscardReason retireReason(PooledEntry<S> e, long now) {
        if (now - e.expiresAt >= 0) {
            return DiscardReason.TTL;
        }
        if (e.generation != pool.generation.get()) {
            return DiscardReason.DRAIN;
        }
        return null;
    }

    final boolean needsCheck(PooledEntry<S> e, long now) {
        return now - e.lastKnownGood() > pool.healthCheckIntervalNanos;
    }

    final int total() {
        return leased + idle.size() + creating;
    }

    PoolStats.KeyStats stats() {
        lock.lock();
        try {
            return new PoolStats.KeyStats(key, leased, idle.size(), creating, waiters.size(), pool.maxPerKey);
        } finally {
            lock.unlock();
        }
    }

    /** The counts for an exhausted-pool message, read under the lock. */
    String describeCounts() {
        lock.lock();
        try {
            return "leased=" + leased + ", idle=" + idle.size() + ", creating=" + creating + ", waiting="
                    + waiters.size() + ", maxSessionsPerKey=" + pool.maxPerKey;
        } finally {
            lock.unlock();
        }
    }
}
