package dev.mcppool;

import dev.mcppool.internal.AsyncSessionFactory;
import dev.mcppool.internal.Failures;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.SessionSpec;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * The non-blocking front door: a pool of initialized {@link McpAsyncClient} sessions for reactive and event-loop
 * callers (Netty, WebFlux, Vert.x) and for virtual threads. A caller waiting for a session holds no thread; opening
 * a session and health checks never block the caller's thread.
 *
 * <pre>{@code
 * McpAsyncSessionPool pool = McpAsyncSessionPool.create(PoolConfig.defaults());
 * Mono<CallToolResult> result = pool.call(server, alice, client -> client.callTool(request));
 * }</pre>
 *
 * <p><strong>Sync and async:</strong> the SDK cannot turn an {@code McpSyncClient} into an {@code McpAsyncClient} or
 * back, so this pool and {@link McpSessionPool} are two front doors over the same engine (keys, permits, fair
 * waiting, health checks, breaker, housekeeping, statistics), each with its own sessions. Use the one that matches
 * your callers; a process that has both kinds of callers runs one pool of each.
 *
 * <p><strong>Fairness:</strong> per key, waiting callers are served in arrival order. The acquire timeout completes
 * the future with {@link PoolExhaustedException}; cancelling it gives back whatever it held. Continuations that hand a
 * session to a waiting caller run on the given executor (by default {@link ForkJoinPool#commonPool()}), never
 * inside the pool's bookkeeping.
 *
 * <p>Thread-safe. {@link #close()} is as for {@link McpSessionPool#close()}: pending acquires fail with
 * {@link PoolClosedException}.
 */
public final class McpAsyncSessionPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpAsyncSessionPool.class);

    private final PoolCore<McpAsyncClient> core;
    private final PoolEngine<McpAsyncClient> engine;
    private final Executor executor;

    private McpAsyncSessionPool(PoolConfig config, Executor executor) {
        this.core = new PoolCore<>(config, c -> new AsyncSessionFactory(config, c.name + "-http"), this);
        this.engine = core.engine;
        this.executor = executor;
    }

    public static McpAsyncSessionPool create() {
        return create(PoolConfig.defaults());
    }

    public static McpAsyncSessionPool create(PoolConfig config) {
        return create(config, ForkJoinPool.commonPool());
    }

    /** @param executor runs the continuations that hand a granted session to a waiting caller */
    public static McpAsyncSessionPool create(PoolConfig config, Executor executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        return new McpAsyncSessionPool(config, executor);
    }

    public Route route(McpTarget target, CallerIdentity identity) {
        return core.route(target, identity, null);
    }

    /** See {@link McpSessionPool#route(McpTarget, CallerIdentity, String)}. */
    public Route route(McpTarget target, CallerIdentity identity, String scope) {
        return core.route(target, identity, scope);
    }

    /**
     * Leases a session without blocking. The future fails with the same exceptions {@link McpSessionPool#acquire}
     * throws. Cancelling it before it completes gives back its place in the queue, its creation slot or its session.
     */
    public CompletableFuture<AsyncSessionLease> acquire(McpTarget target, CallerIdentity identity) {
        return acquire(route(target, identity));
    }

    public CompletableFuture<AsyncSessionLease> acquire(McpTarget target, CallerIdentity identity, String scope) {
        return acquire(route(target, identity, scope));
    }

    public CompletableFuture<AsyncSessionLease> acquire(Route route) {
        SessionSpec spec;
        try {
            spec = core.specOf(route);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<AsyncSessionLease> lease = new CompletableFuture<>();
        var entry = engine.acquireAsync(spec, core.scheduler, executor);
        entry.whenComplete((e, error) -> {
            if (error != null) {
                lease.completeExceptionally(error);
            } else if (!lease.complete(new PooledAsyncSessionLease(engine, e, spec.headers()))) {
                engine.release(e, null, false);
            }
        });
        lease.whenComplete((l, error) -> {
            if (lease.isCancelled()) {
                entry.cancel(false);
            }
        });
        return lease;
    }

    /**
     * Runs one request on a pooled session and gives the session back when the returned {@link Mono} terminates or
     * is cancelled. Retries exactly as {@link McpSessionPool#call(McpTarget, CallerIdentity, Function)} does: once,
     * and only when the server had forgotten the session.
     */
    public <T> Mono<T> call(McpTarget target, CallerIdentity identity, Function<McpAsyncClient, Mono<T>> request) {
        return call(route(target, identity), request);
    }

    public <T> Mono<T> call(Route route, Function<McpAsyncClient, Mono<T>> request) {
        if (request == null) {
            return Mono.error(new IllegalArgumentException("request must not be null"));
        }
        return Mono.usingWhen(
                Mono.fromFuture(() -> acquire(route)).onErrorMap(CompletionException.class, Throwable::getCause),
                lease -> run(route, (PooledAsyncSessionLease) lease, request),
                lease -> Mono.fromRunnable(lease::close),
                (lease, error) -> Mono.fromRunnable(() -> {
                    if (Failures.isSessionNotFound(error)) {
                        ((PooledAsyncSessionLease) lease).markStale();
                    } else if (!Failures.isServerAnswer(error)) {
                        lease.markBroken();
                    }
                    lease.close();
                }),
                lease -> Mono.fromRunnable(() -> {
                    lease.markBroken();
                    lease.close();
                }));
    }

    private <T> Mono<T> run(Route route, PooledAsyncSessionLease lease, Function<McpAsyncClient, Mono<T>> request) {
        return lease.call(request).onErrorResume(Failures::isSessionNotFound, error -> {
            if (engine.isClosed()) {
                return Mono.error(new PoolClosedException("pool " + core.name + " closed during the call"));
            }
            engine.recordStaleRetry(route.key());
            log.debug("Session of {} was forgotten by the server; retrying once on a fresh session", route.key());
            if (route.target().transport() == Transport.STREAMABLE_HTTP) {
                // The SDK re-initializes this client in place; the retry joins that initialization.
                return lease.call(request);
            }
            lease.markStale();
            lease.close();
            return call(route, request);
        });
    }

    public int prewarm(McpTarget target, CallerIdentity identity, int count) {
        return core.prewarm(route(target, identity), count);
    }

    public int drain() {
        return engine.drain();
    }

    public Duration maintain() {
        return core.maintain();
    }

    public PoolStats stats() {
        return core.stats();
    }

    public PoolConfig config() {
        return core.config;
    }

    public String name() {
        return core.name;
    }

    public boolean isClosed() {
        return engine.isClosed();
    }

    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "McpAsyncSessionPool[" + core.name + (isClosed() ? ", closed" : "") + "]";
    }
}
