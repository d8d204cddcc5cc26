package dev.mcppool;

/** Why the pool closed a session instead of keeping it for reuse. */
public enum DiscardReason {
    /** Older than its (jittered) TTL. */
    TTL,
    /** Unused longer than the session idle timeout, or its key was evicted as idle. */
    IDLE,
    /** Failed the health-check chain. */
    HEALTH,
    /** The lease holder marked it broken (for example after a transport error). */
    BROKEN,
    /** The server no longer knew the session (HTTP 404 for its session id). */
    STALE,
    /** Retired by {@code drain()}. */
    DRAIN,
    /** Closed with the pool. */
    SHUTDOWN,
    /** Closed to make room under {@code maxTotalSessions} for another key. */
    CAPACITY
}
