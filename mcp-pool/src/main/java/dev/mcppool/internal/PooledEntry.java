package dev.mcppool.internal;

import dev.mcppool.PoolKey;

/**
 * One open session and its bookkeeping. Its state changes only through {@link #moveTo}, called by its
 * {@link Partition} under the partition's lock; timestamps are written under that lock too. The session object is
 * used by one lease holder at a time.
 *
 * <p>An entry is also a {@link Reservation}: the idle session an acquire was given.
 *
 * @param <S> the session type
 */
public final class PooledEntry<S> implements Reservation {

    final S session;
    final Partition<S> partition;
    final SessionContext context;
    final long createdAt;
    final long expiresAt;
    final int generation;

    /**
     * Written only under the partition's lock; read under it, or by whoever received the entry through a future
     * or a lock hand-off (both order the write before the read). Not volatile: the hit path pays no fence for it.
     */
    private SessionState state;
    long lastUsedAt;
    long lastValidatedAt;
    long useCount;

    PooledEntry(S session, Partition<S> partition, SessionContext context, long createdAt, long expiresAt,
            int generation, SessionState initial) {
        this.session = session;
        this.partition = partition;
        this.context = context;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.generation = generation;
        this.lastUsedAt = createdAt;
        this.lastValidatedAt = createdAt;
        this.state = initial;
    }

    /**
     * Moves the entry from {@code expected} to {@code next}.
     *
     * @throws IllegalStateException if the entry is not in {@code expected} or the transition is not legal: a pool bug
     */
    void moveTo(SessionState expected, SessionState next) {
        SessionState current = state;
        if (current != expected || !current.canMoveTo(next)) {
            throw new IllegalStateException("illegal session transition " + current + " -> " + next + " (expected "
                    + expected + ") for " + this);
        }
        state = next;
    }

    SessionState state() {
        return state;
    }

    public S session() {
        return session;
    }

    public SessionContext context() {
        return context;
    }

    public PoolKey key() {
        return partition.key;
    }

    /** Last moment the session was known good: last use or last successful check. */
    long lastKnownGood() {
        return Math.max(lastUsedAt, lastValidatedAt);
    }

    @Override
    public String toString() {
        return "PooledEntry[" + partition.key + ", " + state + "]";
    }
}
