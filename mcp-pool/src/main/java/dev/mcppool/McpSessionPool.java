package dev.mcppool;

import dev.mcppool.internal.CallPolicy;
import dev.mcppool.internal.ClientKind;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.function.Function;

/**
 * A pool of initialized MCP client sessions ({@link McpSyncClient}), kept per (user, credentials, server,
 * transport[, conversation scope]) so that a caller pays the {@code initialize} handshake once per key instead of
 * once per call, and one user's session never reaches another user.
 *
 * <pre>{@code
 * try (McpSessionPool pool = McpSessionPool.create()) {
 *     McpTarget server = McpTarget.streamableHttp("https://tools.example.com/mcp");
 *     CallerIdentity alice = CallerIdentity.of("alice", Map.of("Authorization", "Bearer ..."));
 *     try (SessionLease lease = pool.acquire(server, alice)) {
 *         lease.client().callTool(new CallToolRequest("echo", Map.of("text", "hi")));
 *     }
 * }
 * }</pre>
 *
 * <p><strong>Thread-safety:</strong> all methods are thread-safe. Acquires block the calling thread while they wait
 * for a session or open one (bounded by the acquire and create timeouts); no lock is held during network I/O.
 *
 * <p><strong>One engine:</strong> this is the blocking view of the pool's asynchronous core, the same core
 * {@link McpAsyncSessionPool} uses. An acquire that finds an idle session ready is served on the calling thread
 * without allocating; any other acquire waits on the core's future on the calling thread, adding no thread.
 *
 * <p><strong>Threads:</strong> a pool owns a constant number of threads whatever the number of keys and sessions: one
 * scheduler (housekeeping and deadlines) and the executor shared by every session's HTTP client; no pool thread
 * ever waits on the network.
 *
 * <p><strong>Lifecycle:</strong> {@link #close()} stops acquires, fails waiting callers, closes every session (HTTP
 * DELETE where the transport has one) within the close timeout and stops the pool's threads.
 */
public final class McpSessionPool extends AbstractSessionPool<McpSyncClient> {

    private final PoolEngine<McpSyncClient> engine;

    private McpSessionPool(PoolConfig config) {
        super(new PoolCore<>(config, ClientKind.SYNC));
        this.engine = core.engine;
    }

    /** A pool with the default configuration. */
    public static McpSessionPool create() {
        return create(PoolConfig.defaults());
    }

    public static McpSessionPool create(PoolConfig config) {
        return new McpSessionPool(config);
    }


    // ------------------------------------------------------------------------------------------------ acquire

    /**
     * Leases an initialized session for this caller on this server.
     *
     * @throws PoolExhaustedException       no session became free within the acquire timeout
     * @throws CircuitOpenException         the server's circuit breaker is open
     * @throws SessionCreationException     a new session could not be opened
     * @throws PoolClosedException          the pool is closed
     * @throws AcquireInterruptedException  the thread was interrupted while waiting
     */
    public SessionLease acquire(McpTarget target, CallerIdentity identity) {
        return acquire(route(target, identity));
    }

    /** Leases a session for this caller's conversation {@code scope}; see {@link #route(McpTarget, CallerIdentity, String)}. */
    public SessionLease acquire(McpTarget target, CallerIdentity identity, String scope) {
        return acquire(route(target, identity, scope));
    }

    /** Leases a session for a route derived earlier by this pool. */
    public SessionLease acquire(Route route) {
        SessionSpec spec = core.specOf(route);
        PooledEntry<McpSyncClient> entry = core.acquireBlocking(spec);
        return new PooledSessionLease(engine, entry, spec.headers());
    }

    /**
     * Runs one call on a pooled session and returns the session to the pool. If the server no longer knows the
     * session (HTTP 404 for the session id we sent: the server rejected the request without running it), the
     * session is discarded and the call is retried once on another session. No other failure is retried: after a
     * dropped connection or a timeout the call may have run, and tools have effects. A session whose call failed
     * with anything but a JSON-RPC error answer from the server is discarded, not reused.
     */
    public <T> T call(McpTarget target, CallerIdentity identity, Function<McpSyncClient, T> call) {
        return call(route(target, identity), call);
    }

    /** {@link #call(McpTarget, CallerIdentity, Function)} within a conversation scope. */
    public <T> T call(McpTarget target, CallerIdentity identity, Function<McpSyncClient, T> call, String scope) {
        return call(route(target, identity, scope), call);
    }

    /** {@link #call(McpTarget, CallerIdentity, Function)} for a route derived earlier. */
    public <T> T call(Route route, Function<McpSyncClient, T> call) {
        if (call == null) {
            throw new IllegalArgumentException("call must not be null");
        }
        PooledSessionLease lease = (PooledSessionLease) acquire(route);
        boolean retried = false;
        try {
            while (true) {
                try {
                    return call.apply(lease.client());
                } catch (RuntimeException | Error e) {
                    CallPolicy step = core.afterFailure(e, route, retried);
                    retried = true;
                    switch (step) {
                        case RETRY_SAME_SESSION -> {
                        }
                        case RETRY_NEW_SESSION -> {
                            lease.markStale();
                            lease.close();
                            lease = (PooledSessionLease) acquire(route);
                        }
                        case DISCARD_STALE -> {
                            lease.markStale();
                            throw e;
                        }
                        case DISCARD_BROKEN -> {
                            lease.markBroken();
                            throw e;
                        }
                        case KEEP -> throw e;
                    }
                }
            }
        } finally {
            lease.close();
        }
    }

    /**
     * Opens sessions for this caller ahead of time until the key holds {@code count} idle sessions (bounded by
     * {@code maxSessionsPerKey}), waiting on the calling thread until they are open. Returns how many were opened.
     */
    public int prewarm(McpTarget target, CallerIdentity identity, int count) {
        return prewarm(route(target, identity), count);
    }

    /** {@link #prewarm(McpTarget, CallerIdentity, int)} for a route derived earlier. */
    public int prewarm(Route route, int count) {
        return core.prewarmBlocking(route, count);
    }
}
