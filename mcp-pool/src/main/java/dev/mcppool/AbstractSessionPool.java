package dev.mcppool;

import java.time.Duration;

/**
 * What both front doors offer alike: keys (routes), draining, housekeeping, statistics and close, over the one
 * engine they share. {@link McpSessionPool} (blocking, {@code McpSyncClient}) and {@link McpAsyncSessionPool}
 * (non-blocking, {@code McpAsyncClient}) add acquiring and calling in their own style.
 *
 * <p>Thread-safe. {@link #close()} stops acquires, fails waiting callers, closes every session (HTTP DELETE where
 * the transport has one) within the close timeout and stops the pool's threads; leases closed afterwards are no-ops.
 *
 * @param <S> the client type the pool's callers get
 */
public abstract sealed class AbstractSessionPool<S> implements AutoCloseable
        permits McpSessionPool, McpAsyncSessionPool {

    final PoolCore<S> core;

    AbstractSessionPool(PoolCore<S> core) {
        this.core = core;
    }

    /** Derives the key for this target and caller once, for repeated acquires. */
    public Route route(McpTarget target, CallerIdentity identity) {
        return core.route(target, identity, null);
    }

    /**
     * Derives the key for this target, caller and conversation scope. A scope (for example a conversation id or the
     * id of the downstream session) gives each conversation its own upstream sessions: use it with stateful servers,
     * so state never leaks between two conversations of the same user.
     *
     * @param scope the conversation scope, or null for per-identity sharing
     */
    public Route route(McpTarget target, CallerIdentity identity, String scope) {
        return core.route(target, identity, scope);
    }

    /**
     * Closes every idle session and retires every leased one when it is returned, while the pool stays open: new
     * acquires get new sessions. Use it after rotating credentials or TLS material. Returns the number of idle
     * sessions closed.
     */
    public int drain() {
        return core.engine.drain();
    }

    /**
     * Runs one housekeeping pass now (TTL, idle sessions, idle keys, keepalive, warm-up) and returns the delay until
     * the next one is due. The background housekeeper calls this; with background housekeeping off, tests call it
     * after advancing their clock.
     */
    public Duration maintain() {
        return core.maintain();
    }

    /** A snapshot of counters and per-key state; safe to log (keys hold hashes only). */
    public PoolStats stats() {
        return core.stats();
    }

    public PoolConfig config() {
        return core.config;
    }

    /** This pool's name, the prefix of its threads' names. */
    public String name() {
        return core.name;
    }

    public boolean isClosed() {
        return core.isClosed();
    }

    /**
     * Closes the pool: further acquires fail with {@link PoolClosedException}, waiting callers are woken with it,
     * every idle and leased session is closed within the close timeout, and the pool's threads stop. Leases closed
     * afterwards are no-ops. Idempotent.
     */
    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + core.name + (isClosed() ? ", closed" : "") + "]";
    }
}
