package dev.mcppool.internal;

/**
 * One open session and its bookkeeping. State and timestamps are guarded by the partition's lock; the session
 * object itself is used by one lease holder at a time.
 *
 * @param <S> the session type
 */
public final class PooledEntry<S> implements Grant {

    enum State {
        /** In the partition's idle deque. */
        IDLE,
        /** Lent to a caller, or taken by the housekeeper for a keepalive ping. */
        LEASED,
        /** Closed, or closing; never handed out again. */
        CLOSED
    }

    final S session;
    final Partition<S> partition;
    final SessionContext context;
    final long createdAt;
    final long expiresAt;
    final int generation;

    State state = State.LEASED;
    long lastUsedAt;
    long lastValidatedAt;
    long useCount;

    PooledEntry(S session, Partition<S> partition, SessionContext context, long createdAt, long expiresAt,
            int generation) {
        this.session = session;
        this.partition = partition;
        this.context = context;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.generation = generation;
        this.lastUsedAt = createdAt;
        this.lastValidatedAt = createdAt;
    }

    public S session() {
        return session;
    }

    public SessionContext context() {
        return context;
    }

    public dev.mcppool.PoolKey key() {
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
