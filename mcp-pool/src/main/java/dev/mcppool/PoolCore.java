package dev.mcppool;

import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.CallPolicy;
import dev.mcppool.internal.ClientKind;
import dev.mcppool.internal.KeyDeriver;
import dev.mcppool.internal.McpSessionFactory;
import dev.mcppool.internal.NamedThreadFactory;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;
import dev.mcppool.internal.TaskTimer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both front doors share: the name, key derivation, the engine, its one scheduler thread (housekeeping and the
 * async core's deadlines) and the blocking waits of {@link McpSessionPool}. The doors differ only in the client type
 * their callers get and in how a result reaches the caller: {@link McpSessionPool} waits here on the caller's
 * thread, {@link McpAsyncSessionPool} hands the engine's futures to its executor.
 */
final class PoolCore<S> {

    private static final Logger log = LoggerFactory.getLogger(PoolCore.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    final PoolConfig config;
    final String name;
    final KeyDeriver keys;
    final PoolEngine<S> engine;
    private final ScheduledThreadPoolExecutor scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    PoolCore(PoolConfig config, ClientKind<S> kind) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.name = config.name().orElseGet(() -> "mcp-pool-" + IDS.incrementAndGet());
        this.keys = new KeyDeriver(config.identityHeaders(), config.identityExtractor());
        this.scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.engine = new PoolEngine<>(config, new McpSessionFactory<>(config, kind, name + "-http", this::schedule),
                this::schedule,
                name);
        if (config.backgroundHousekeeping()) {
            scheduleHousekeeping(config.housekeepingInterval().toNanos());
        }
    }

    private TaskTimer.Cancellable schedule(Runnable task, long delayNanos) {
        try {
            ScheduledFuture<?> f = scheduler.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { }; // closed: every acquire fails anyway
        }
    }

    Route route(McpTarget target, CallerIdentity identity, String scope) {
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

    SessionSpec specOf(Route route) {
        if (route == null) {
            throw new IllegalArgumentException("route must not be null");
        }
        if (route.owner() != this) {
            throw new IllegalArgumentException("route " + route + " was derived by another pool");
        }
        return route.spec();
    }

    /** The blocking acquire: the hit path, else the async core's future awaited on the caller's thread. */
    PooledEntry<S> acquireBlocking(SessionSpec spec) {
        return Blocking.acquire(engine, spec);
    }

    CompletableFuture<Integer> prewarm(Route route, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be zero or positive, but was " + count);
        }
        return engine.prewarm(specOf(route), count);
    }

    int prewarmBlocking(Route route, int count) {
        return Blocking.await(prewarm(route, count), "warming up " + route.key()
                + "; the sessions being opened still join the pool");
    }

    /**
     * The one retry policy of {@code call}, for both doors: what to do after {@code error}. A stale session found
     * while the pool is closing is the pool's doing, not the server's: that becomes {@link PoolClosedException}.
     */
    CallPolicy afterFailure(Throwable error, Route route, boolean retried) {
        CallPolicy step = CallPolicy.afterFailure(error, route.target().transport(), retried);
        if (step.retries()) {
            if (engine.isClosed()) {
                throw new PoolClosedException("pool " + name + " closed during the call");
            }
            engine.recordStaleRetry(route.key());
            log.debug("Session of {} was forgotten by the server; retrying once", route.key());
        }
        return step;
    }

    Duration maintain() {
        long next = engine.maintain(config.ticker().nanoTime());
        return next < 0 ? Duration.ZERO : Duration.ofNanos(next);
    }

    PoolStats stats() {
        return engine.stats(keys.anonymousCount());
    }

    /**
     * Closes the engine and waits (bounded: each close has the close timeout, then is forced) for every session to
     * be closed, then stops the scheduler and the HTTP executor.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Void> closing = engine.close();
        boolean interrupted = false;
        try {
            closing.get(config.closeTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("Pool {}: not every session closed within {}; closing the rest forcibly", name,
                    config.closeTimeout());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        scheduler.shutdownNow();
        engine.finishClose();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isClosed() {
        return engine.isClosed();
    }

    private void scheduleHousekeeping(long delayNanos) {
        schedule(this::runHousekeeping, delayNanos);
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
}
