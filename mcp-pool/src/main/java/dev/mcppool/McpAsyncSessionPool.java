package dev.mcppool;

import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.CallPolicy;
import dev.mcppool.internal.ClientKind;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

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
 * <p><strong>Sync and async:</strong> this pool and {@link McpSessionPool} are two front doors over one
 * asynchronous core (keys, permits, fair waiting, health checks, breaker, housekeeping, statistics, the retry
 * policy of {@code call}); each pool has its own sessions, since callers of one get {@code McpAsyncClient} and of the
 * other {@code McpSyncClient}. Use the one that matches your callers.
 *
 * <p><strong>Threads:</strong> an acquire that finds an idle session ready completes at once, on the calling thread.
 * Any other acquire's future is completed on the given executor (by default {@link ForkJoinPool#commonPool()}), so
 * the caller's continuations never run on a pool thread, an HTTP or Reactor I/O thread, or under a pool lock. If the
 * executor rejects the hand-off, the acquire fails with {@link RejectedExecutionException} and the session goes back
 * to the pool.
 *
 * <p><strong>Fairness:</strong> per key, waiting callers are served in arrival order. The acquire timeout completes
 * the future with {@link PoolExhaustedException}; cancelling it gives back whatever it held.
 *
 * <p>Thread-safe. {@link #close()} is as for {@link McpSessionPool#close()}: pending acquires fail with
 * {@link PoolClosedException}.
 */
public final class McpAsyncSessionPool extends AbstractSessionPool<McpAsyncClient> {

    private final PoolEngine<McpAsyncClient> engine;
    private final Executor executor;

    private McpAsyncSessionPool(PoolConfig config, Executor executor) {
        super(new PoolCore<>(config, ClientKind.ASYNC));
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
        PooledEntry<McpAsyncClient> ready = engine.tryAcquireIdle(spec);
        if (ready != null) {
            return CompletableFuture.completedFuture(new PooledAsyncSessionLease(engine, ready, spec.headers()));
        }
        CompletableFuture<PooledEntry<McpAsyncClient>> acquiring = engine.acquire(spec);
        CompletableFuture<AsyncSessionLease> lease = new CompletableFuture<>();
        acquiring.whenComplete((entry, error) -> handOff(lease, spec, entry, error));
        lease.whenComplete((l, error) -> {
            if (lease.isCancelled()) {
                acquiring.cancel(false);
            }
        });
        return lease;
    }

    /** Completes the caller's future on the executor; a session nobody can receive goes back to the pool. */
    private void handOff(CompletableFuture<AsyncSessionLease> lease, SessionSpec spec,
            PooledEntry<McpAsyncClient> entry, Throwable error) {
        try {
            executor.execute(() -> {
                if (error != null) {
                    lease.completeExceptionally(error instanceof CompletionException c && c.getCause() != null
                            ? Blocking.rethrow(c.getCause()) : Blocking.rethrow(error));
                } else if (!lease.complete(new PooledAsyncSessionLease(engine, entry, spec.headers()))) {
                    engine.release(entry, null, false);
                }
            });
        } catch (RejectedExecutionException rejected) {
            if (entry != null) {
                engine.release(entry, null, false);
            }
            lease.completeExceptionally(new RejectedExecutionException("the executor of pool " + core.name
                    + " rejected the hand-off of a session of " + spec.key(), rejected));
        }
    }

    /**
     * Runs one request on a pooled session and gives the session back when the returned {@link Mono} terminates or
     * is cancelled. Retries exactly as {@link McpSessionPool#call(McpTarget, CallerIdentity, Function)} does: once,
     * and only when the server had forgotten the session.
     */
    public <T> Mono<T> call(McpTarget target, CallerIdentity identity, Function<McpAsyncClient, Mono<T>> request) {
        return call(route(target, identity), request);
    }

    /** {@link #call(McpTarget, CallerIdentity, Function)} within a conversation scope. */
    public <T> Mono<T> call(McpTarget target, CallerIdentity identity, Function<McpAsyncClient, Mono<T>> request,
            String scope) {
        return call(route(target, identity, scope), request);
    }

    /** {@link #call(McpTarget, CallerIdentity, Function)} for a route derived earlier. */
    public <T> Mono<T> call(Route route, Function<McpAsyncClient, Mono<T>> request) {
        if (request == null) {
            return Mono.error(new IllegalArgumentException("request must not be null"));
        }
        return withLease(route, lease -> attempt(route, lease, request, false));
    }

    /** A lease for the body's lifetime; a cancelled body may still be on the wire, so its session is discarded. */
    private <T> Mono<T> withLease(Route route, Function<PooledAsyncSessionLease, Mono<T>> body) {
        return Mono.usingWhen(
                Mono.fromFuture(() -> acquire(route)).onErrorMap(CompletionException.class, Throwable::getCause),
                lease -> body.apply((PooledAsyncSessionLease) lease),
                lease -> Mono.fromRunnable(lease::close),
                (lease, error) -> Mono.fromRunnable(lease::close),
                lease -> Mono.fromRunnable(() -> {
                    lease.markBroken();
                    lease.close();
                }));
    }

    private <T> Mono<T> attempt(Route route, PooledAsyncSessionLease lease, Function<McpAsyncClient, Mono<T>> request,
            boolean retried) {
        return lease.call(request).onErrorResume(error -> {
            CallPolicy step = core.afterFailure(error, route, retried);
            switch (step) {
                case RETRY_SAME_SESSION:
                    return attempt(route, lease, request, true);
                case RETRY_NEW_SESSION:
                    lease.markStale();
                    lease.close();
                    return withLease(route, fresh -> attempt(route, fresh, request, true));
                case DISCARD_STALE:
                    lease.markStale();
                    break;
                case DISCARD_BROKEN:
                    lease.markBroken();
                    break;
                case KEEP:
                    break;
            }
            return Mono.error(error);
        });
    }

    /**
     * Opens sessions for this caller ahead of time until the key holds {@code count} idle sessions (bounded by
     * {@code maxSessionsPerKey}), without blocking. Completes with how many were opened.
     */
    public CompletableFuture<Integer> prewarm(McpTarget target, CallerIdentity identity, int count) {
        return prewarm(route(target, identity), count);
    }

    /** {@link #prewarm(McpTarget, CallerIdentity, int)} for a route derived earlier. */
    public CompletableFuture<Integer> prewarm(Route route, int count) {
        try {
            return core.prewarm(route, count);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
