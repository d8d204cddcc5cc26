package dev.mcppool.internal;

import static dev.mcppool.internal.SessionState.CLOSED;
import static dev.mcppool.internal.SessionState.CLOSING;
import static dev.mcppool.internal.SessionState.IDLE;
import static dev.mcppool.internal.SessionState.LEASED;
import static dev.mcppool.internal.SessionState.VALIDATING;

import dev.mcppool.DiscardReason;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sessions and waiters of one key, and the only place their state changes. Every method takes the lock, moves
 * sessions between states with {@link PooledEntry#moveTo} and adjusts the counters; what must happen outside the
 * lock (handing grants to waiters, closing sessions) goes into an {@link Outcomes} for the engine to carry out.
 * The lock is never held across network I/O or a caller's code.
 *
 * <p>Invariant: {@code leased + idle.size() + creating <= maxSessionsPerKey} ({@code leased} counts validating
 * sessions too); each of those sessions holds one unit of the global {@link SessionBudget}.
 */
final class Partition<S> extends PartitionState<S> {

    Partition(PoolKey key, SessionSpec spec, PoolState pool, long now) {
        super(key, spec, pool, now);
    }

    // ------------------------------------------------------------------------------------------------ acquire

    /**
     * The hit path: the most recently used idle session if it needs nothing (not expired, drained or due for a
     * check) and nobody is queued; else null and the caller takes the full path. Allocates nothing.
     */
    PooledEntry<S> takeFresh(long now) {
        lock.lock();
        try {
            if (removed || pool.closed || !waiters.isEmpty()) {
                return null;
            }
            PooledEntry<S> e = idle.peekFirst();
            if (e == null || retireReason(e, now) != null || needsCheck(e, now)) {
                return null;
            }
            idle.pollFirst();
            e.moveTo(IDLE, LEASED);
            leased++;
            lastAccessAt = now;
            return e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes an idle session or a creation slot if one is free and nobody is queued ahead; otherwise queues a waiter.
     *
     * @param roomAttempted whether the caller already tried to make global room (then it queues rather than retry)
     */
    Reservation reserve(long now, boolean roomAttempted, Outcomes<S> out) {
        lock.lock();
        try {
            if (removed) {
                return Reservation.Signal.RETRY;
            }
            if (pool.closed) {
                return Reservation.Signal.CLOSED;
            }
            lastAccessAt = now;
            if (waiters.isEmpty()) {
                PooledEntry<S> e = takeIdleLocked(now, out);
                if (e != null) {
                    return e;
                }
                if (total() < pool.maxPerKey) {
                    if (pool.budget.tryTake()) {
                        creating++;
                        return Reservation.Signal.CREATE;
                    }
                    if (!roomAttempted) {
                        return Reservation.Signal.NEED_ROOM;
                    }
                }
            }
            Waiter w = new Waiter();
            waiters.addLast(w);
            if (total() < pool.maxPerKey) {
                pool.budget.markStarved(this);
            }
            return w;
        } finally {
            lock.unlock();
        }
    }

    /** A waiter gave up (timeout, cancellation) before it was granted anything. */
    void removeWaiter(Waiter w) {
        lock.lock();
        try {
            waiters.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** A health check passed: the validating session becomes the caller's. False if shutdown took it meanwhile. */
    boolean validated(PooledEntry<S> e, long now) {
        lock.lock();
        try {
            if (e.state() != VALIDATING) {
                return false;
            }
            e.lastValidatedAt = now;
            e.moveTo(VALIDATING, LEASED);
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ create

    /** A creation slot's session opened: it becomes {@code target}, the caller's (LEASED) or, for warm-up, IDLE. */
    boolean opened(PooledEntry<S> e, SessionState target, long now, Outcomes<S> out) {
        lock.lock();
        try {
            creating--;
            if (pool.closed) {
                e.moveTo(SessionState.OPENING, CLOSING);
                out.discard(e, null);
                return false;
            }
            e.moveTo(SessionState.OPENING, target);
            if (target == LEASED) {
                leased++;
            } else {
                idle.addFirst(e);
                dispatchLocked(now, out);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A creation slot's session could not be opened: frees the slot and its unit, and serves the queue. */
    void creationFailed(long now, Outcomes<S> out) {
        lock.lock();
        try {
            creating--;
            pool.budget.give();
            dispatchLocked(now, out);
        } finally {
            lock.unlock();
        }
    }

    /** Reserves creation slots until the key holds {@code count} idle or creating sessions; returns how many. */
    int reserveUpTo(int count, long now) {
        lock.lock();
        try {
            if (removed || pool.closed) {
                return 0;
            }
            int reserved = 0;
            while (idle.size() + creating < count && total() < pool.maxPerKey && pool.budget.tryTake()) {
                creating++;
                reserved++;
            }
            if (reserved > 0) {
                lastAccessAt = now;
            }
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ release

    /**
     * Takes back a leased or validating session: to the first waiter, to the idle deque, or to {@code CLOSING} if a
     * reason is given, the pool is closed or the session expired. A session already closing is left alone, so a
     * second release is a no-op.
     *
     * @param used whether a caller used it (false for a grant given back unused or a health check)
     * @return null if the session was not busy (already released or closed by shutdown); else what the engine
     *         must carry out: {@link Outcomes#none()} when the session simply went back to idle with nobody queued
     *         (the hit path's release, which so allocates nothing)
     */
    Outcomes<S> release(PooledEntry<S> e, DiscardReason discard, boolean used, long now) {
        lock.lock();
        try {
            SessionState from = e.state();
            if (!from.isBusy()) {
                return null;
            }
            leased--;
            e.context.reset();
            if (used) {
                e.lastUsedAt = now;
                e.useCount++;
                lastAccessAt = now;
            } else if (from == VALIDATING && discard == null) {
                e.lastValidatedAt = now;
            }
            DiscardReason why = discard != null ? discard : pool.closed ? DiscardReason.SHUTDOWN : retireReason(e, now);
            if (why == null && waiters.isEmpty() && pool.budget.hasStarved()) {
                why = DiscardReason.CAPACITY;
            }
            if (why == null && waiters.isEmpty()) {
                // Nothing to discard and nobody to serve (dispatchLocked would do nothing): no Outcomes needed.
                e.moveTo(from, IDLE);
                idle.addFirst(e);
                return Outcomes.none();
            }
            Outcomes<S> out = new Outcomes<>();
            if (why == null) {
                e.moveTo(from, IDLE);
                idle.addFirst(e);
            } else {
                e.moveTo(from, CLOSING);
                out.discard(e, why);
            }
            dispatchLocked(now, out);
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** A grant whose waiter gave up before it arrived: back to idle (or the slot freed), then serve the queue. */
    void undo(Reservation grant, long now, Outcomes<S> out) {
        lock.lock();
        try {
            if (grant == Reservation.Signal.CREATE) {
                creating--;
                pool.budget.give();
            } else {
                @SuppressWarnings("unchecked")
                PooledEntry<S> e = (PooledEntry<S>) grant;
                SessionState from = e.state();
                if (from.isBusy()) { // else shutdown closed it under the grant
                    leased--;
                    if (pool.closed) {
                        e.moveTo(from, CLOSING);
                        out.discard(e, DiscardReason.SHUTDOWN);
                    } else {
                        e.moveTo(from, IDLE);
                        idle.addFirst(e);
                    }
                }
            }
            dispatchLocked(now, out);
        } finally {
            lock.unlock();
        }
    }

    /** A session finished closing. */
    void closed(PooledEntry<S> e) {
        lock.lock();
        try {
            e.moveTo(CLOSING, CLOSED);
        } finally {
            lock.unlock();
        }
    }

    /** Lets the queue use a global unit freed elsewhere. */
    void wake(long now, Outcomes<S> out) {
        lock.lock();
        try {
            starved = false;
            if (!removed) {
                dispatchLocked(now, out);
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ housekeeping

    /**
     * Retires idle sessions past their TTL, drain generation or idle timeout, and takes those due for a keepalive
     * ping (they become VALIDATING and go back through {@link #release}).
     */
    void sweep(long now, long idleTimeout, long keepaliveInterval, Outcomes<S> out, List<PooledEntry<S>> keepalive) {
        lock.lock();
        try {
            for (Iterator<PooledEntry<S>> it = idle.iterator(); it.hasNext(); ) {
                PooledEntry<S> e = it.next();
                DiscardReason why = retireReason(e, now);
                if (why == null && now - e.lastUsedAt >= idleTimeout) {
                    why = DiscardReason.IDLE;
                }
                if (why != null) {
                    it.remove();
                    e.moveTo(IDLE, CLOSING);
                    out.discard(e, why);
                } else if (keepaliveInterval > 0 && now - e.lastKnownGood() >= keepaliveInterval) {
                    it.remove();
                    e.moveTo(IDLE, VALIDATING);
                    leased++;
                    keepalive.add(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the key if nothing uses it: no lease, creation or waiter, and (when {@code idleFor} is positive) no
     * access for that long. Its idle sessions are discarded with {@code reason}.
     */
    boolean removeIfUnused(long now, long idleFor, DiscardReason reason, Outcomes<S> out) {
        lock.lock();
        try {
            if (removed || leased > 0 || creating > 0 || !waiters.isEmpty()
                    || (idleFor > 0 && now - lastAccessAt < idleFor)) {
                return false;
            }
            discardIdleLocked(reason, out);
            removed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Discards every idle session (a drain); sessions now leased are retired when they come back. */
    int discardIdle(DiscardReason reason, long now, Outcomes<S> out) {
        lock.lock();
        try {
            int n = discardIdleLocked(reason, out);
            dispatchLocked(now, out);
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The least recently used idle session, a candidate to close for global room; or null. */
    PooledEntry<S> oldestIdle() {
        lock.lock();
        try {
            return idle.peekLast();
        } finally {
            lock.unlock();
        }
    }

    /** Closes this idle session to free a global unit for another key, if it is still idle. */
    boolean discardForRoom(PooledEntry<S> e, Outcomes<S> out) {
        lock.lock();
        try {
            if (e.state() != IDLE || !idle.remove(e)) {
                return false;
            }
            e.moveTo(IDLE, CLOSING);
            out.discard(e, DiscardReason.CAPACITY);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Pool shutdown: removes the queue (returned, to be failed) and every idle session. */
    List<Waiter> shutdown(Outcomes<S> out) {
        lock.lock();
        try {
            List<Waiter> queued = new ArrayList<>(waiters);
            waiters.clear();
            discardIdleLocked(DiscardReason.SHUTDOWN, out);
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** Pool shutdown: closes a leased or validating session under its holder; its lease's close is then a no-op. */
    void shutdownBusy(PooledEntry<S> e, Outcomes<S> out) {
        lock.lock();
        try {
            SessionState from = e.state();
            if (from.isBusy()) {
                leased--;
                e.moveTo(from, CLOSING);
                out.discard(e, DiscardReason.SHUTDOWN);
            }
        } finally {
            lock.unlock();
        }
    }

}
