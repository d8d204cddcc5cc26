package dev.mcppool;

import dev.mcppool.internal.KeyDeriver;
import dev.mcppool.internal.NamedThreadFactory;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.SessionFactory;
import dev.mcppool.internal.SessionSpec;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both front doors share: the name, key derivation, the engine and the pool's threads (a worker pool for
 * background requests, a closer pool for discarded sessions, and one scheduler for housekeeping and async
 * timeouts). {@link McpSessionPool} and {@link McpAsyncSessionPool} differ only in their session type.
 */
final class PoolCore<S> {

    private static final Logger log = LoggerFactory.getLogger(PoolCore.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    final PoolConfig config;
    final String name;
    final KeyDeriver keys;
    final ExecutorService worker;
    final ThreadPoolExecutor closer;
    final ScheduledThreadPoolExecutor scheduler;
    final SessionFactory<S> factory;
    final PoolEngine<S> engine;
    private final Object owner;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param factories makes the session factory, given the pool's name and worker pool
     * @param owner     the front door, which routes must belong to
     */
    PoolCore(PoolConfig config, Function<PoolCore<S>, SessionFactory<S>> factories, Object owner) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.owner = owner;
        this.name = config.name().orElseGet(() -> "mcp-pool-" + IDS.incrementAndGet());
        this.keys = new KeyDeriver(config.identityHeaders(), config.identityExtractor());
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.worker = boundedPool(threads, name + "-worker");
        this.closer = boundedPool(threads, name + "-closer");
        this.scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.factory = factories.apply(this);
        this.engine = new PoolEngine<>(config, factory, worker, closer, name);
        if (config.backgroundHousekeeping()) {
            scheduleHousekeeping(config.housekeepingInterval().toNanos());
        }
    }

    private static ThreadPoolExecutor boundedPool(int threads, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreadFactory(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
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
        return new Route(spec.key(), target, identity, spec, owner);
    }

    SessionSpec specOf(Route route) {
        if (route == null) {
            throw new IllegalArgumentException("route must not be null");
        }
        if (route.owner() != owner) {
            throw new IllegalArgumentException("route " + route + " was derived by another pool");
        }
        return route.spec();
    }

    int prewarm(Route route, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be zero or positive, but was " + count);
        }
        return engine.prewarm(specOf(route), count);
    }

    Duration maintain() {
        long next = engine.maintain(config.ticker().nanoTime());
        return next < 0 ? Duration.ZERO : Duration.ofNanos(next);
    }

    PoolStats stats() {
        return engine.stats(keys.anonymousCount());
    }

    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        engine.close();
        worker.shutdownNow();
        closer.shutdown();
        try {
            closer.awaitTermination(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closer.shutdownNow();
        engine.finishClose();
    }

    private void scheduleHousekeeping(long delayNanos) {
        try {
            scheduler.schedule(this::runHousekeeping, delayNanos, TimeUnit.NANOSECONDS);
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
}
