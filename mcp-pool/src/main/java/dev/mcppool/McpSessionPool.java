package dev.mcppool;

import dev.mcppool.internal.Failures;
import dev.mcppool.internal.KeyDeriver;
import dev.mcppool.internal.NamedThreadFactory;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;
import dev.mcppool.internal.SyncSessionFactory;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p><strong>Threads:</strong> a pool owns a constant number of threads whatever the number of keys and sessions: one
 * housekeeper, a small worker pool (health-check requests, keepalive, warm-up) and the executor of the one HTTP
 * client all sessions share (see {@link PoolConfig}).
 *
 * <p><strong>Lifecycle:</strong> {@link #close()} stops acquires, fails waiting callers, closes every session (HTTP
 * DELETE where the transport has one) within the close timeout and stops the pool's threads.
 */
public final class McpSessionPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpSessionPool.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final PoolConfig config;
    private final String name;
    private final KeyDeriver keys;
    private final ExecutorService worker;
    private final ThreadPoolExecutor closer;
    private final PoolEngine<McpSyncClient> engine;
    private final ScheduledExecutorService housekeeper;

    private McpSessionPool(PoolConfig config) {
        this.config = config;
        this.name = config.name().orElseGet(() -> "mcp-pool-" + IDS.incrementAndGet());
        this.keys = new KeyDeriver(config.identityHeaders(), config.identityExtractor());
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreadFactory(name + "-worker"));
        workers.allowCoreThreadTimeOut(true);
        this.worker = workers;
        this.closer = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory(name + "-closer"));
        closer.allowCoreThreadTimeOut(true);
        this.engine = new PoolEngine<>(config, new SyncSessionFactory(config, worker, name + "-http"), worker, closer,
                name);
        if (config.backgroundHousekeeping()) {
            ScheduledThreadPoolExecutor scheduler =
                    new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-housekeeper"));
            scheduler.setRemoveOnCancelPolicy(true);
            this.housekeeper = scheduler;
            scheduleHousekeeping(config.housekeepingInterval().toNanos());
        } else {
            this.housekeeper = null;
        }
    }

    /** A pool with the default configuration. */
    public static McpSessionPool create() {
        return create(PoolConfig.defaults());
    }

    public static McpSessionPool create(PoolConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return new McpSessionPool(config);
    }

    // ------------------------------------------------------------------------------------------------ keys

    /** Derives the key for this target and caller once, for repeated acquires. */
    public Route route(McpTarget target, CallerIdentity identity) {
        return route(target, identity, null);
    }

    /**
     * Derives the key for this target, caller and conversation scope. A scope (for example a conversation id or the
     * id of the downstream session) gives each conversation its own upstream sessions: use it with stateful servers,
     * so state never leaks between two conversations of the same user.
     *
     * @param scope the conversation scope, or null for per-identity sharing
     */
    public Route route(McpTarget target, CallerIdentity identity, String scope) {
        if (target == null) {
            throw new IllegalArgumentException("target must not be null");
        }
        if (identity == null) {
            throw new IllegalArgumentException("identity must not be null (use CallerIdentity.anonymous())");
        }
        if (scope != null && scope.isBlank()) {
            throw new IllegalArgumentException("scope must not be blank; pass null for no scope");
        }
        SessionSpec spec = keys.derive(target, identity, scope);
        return new Route(spec.key(), target, identity, spec, this);
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
        SessionSpec spec = specOf(route);
        PooledEntry<McpSyncClient> entry = engine.acquire(spec);
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
        try {
            try {
                return call.apply(lease.client());
            } catch (RuntimeException e) {
                if (!Failures.isSessionNotFound(e)) {
                    throw e;
                }
                engine.recordStaleRetry(route.key());
                log.debug("Session of {} was forgotten by the server; retrying once on a fresh session", route.key());
                lease = freshSession(route, lease);
                return call.apply(lease.client());
            }
        } catch (RuntimeException | Error e) {
            if (Failures.isSessionNotFound(e)) {
                lease.markStale();
            } else if (!Failures.isServerAnswer(e)) {
                lease.markBroken();
            }
            throw e;
        } finally {
            lease.close();
        }
    }

    /**
     * After the server forgot a session. On Streamable HTTP the SDK's client has already started opening a new
     * server session in place (and the retried request joins it), so the same client is kept: discarding it now
     * would race that initialization and could leave a session open on the server that nobody closes. On SSE the
     * lease is discarded and a new one acquired.
     */
    private PooledSessionLease freshSession(Route route, PooledSessionLease stale) {
        if (route.target().transport() == Transport.STREAMABLE_HTTP) {
            return stale;
        }
        stale.markStale();
        stale.close();
        return (PooledSessionLease) acquire(route);
    }

    /**
     * Opens sessions for this caller ahead of time until the key holds {@code count} idle sessions (bounded by
     * {@code maxSessionsPerKey}), on the calling thread. Returns how many were opened.
     */
    public int prewarm(McpTarget target, CallerIdentity identity, int count) {
        return prewarm(route(target, identity), count);
    }

    /** {@link #prewarm(McpTarget, CallerIdentity, int)} for a route derived earlier. */
    public int prewarm(Route route, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be zero or positive, but was " + count);
        }
        return engine.prewarm(specOf(route), count);
    }

    /**
     * Closes every idle session and retires every leased one when it is returned, while the pool stays open: new
     * acquires get new sessions. Use it after rotating credentials or TLS material. Returns the number of idle
     * sessions closed.
     */
    public int drain() {
        return engine.drain();
    }

    /**
     * Runs one housekeeping pass now (TTL, idle sessions, idle keys, keepalive, warm-up) and returns the delay until
     * the next one is due. The background housekeeper calls this; with background housekeeping off, tests call it
     * after advancing their clock.
     */
    public java.time.Duration maintain() {
        long next = engine.maintain(config.ticker().nanoTime());
        return next < 0 ? java.time.Duration.ZERO : java.time.Duration.ofNanos(next);
    }

    /** A snapshot of counters and per-key state; safe to log (keys hold hashes only). */
    public PoolStats stats() {
        return engine.stats(keys.anonymousCount());
    }

    public PoolConfig config() {
        return config;
    }

    /** This pool's name, the prefix of its threads' names. */
    public String name() {
        return name;
    }

    public boolean isClosed() {
        return engine.isClosed();
    }

    /**
     * Closes the pool: further acquires fail with {@link PoolClosedException}, waiting callers are woken with it,
     * every idle and leased session is closed within the close timeout, and the pool's threads stop. Leases closed
     * afterwards are no-ops. Idempotent.
     */
    @Override
    public void close() {
        if (housekeeper != null) {
            housekeeper.shutdownNow();
        }
        engine.close();
        worker.shutdownNow();
        closer.shutdown();
        try {
            closer.awaitTermination(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closer.shutdownNow();
    }

    private SessionSpec specOf(Route route) {
        if (route == null) {
            throw new IllegalArgumentException("route must not be null");
        }
        if (route.owner() != this) {
            throw new IllegalArgumentException("route " + route + " was derived by another pool");
        }
        return route.spec();
    }

    private void scheduleHousekeeping(long delayNanos) {
        try {
            housekeeper.schedule(this::runHousekeeping, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void runHousekeeping() {
        long next;
        try {
            next = engine.maintain(config.ticker().nanoTime());
        } catch (RuntimeException e) {
            log.warn("Housekeeping pass of {} failed; the next runs as scheduled", name, e);
            next = config.housekeepingInterval().toNanos();
        }
        if (next >= 0) {
            scheduleHousekeeping(next);
        }
    }

    @Override
    public String toString() {
        return "McpSessionPool[" + name + (isClosed() ? ", closed" : "") + "]";
    }
}
