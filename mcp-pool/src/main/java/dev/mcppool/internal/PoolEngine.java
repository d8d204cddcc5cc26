package dev.mcppool.internal;

import dev.mcppool.AcquireInterruptedException;
import dev.mcppool.CircuitOpenException;
import dev.mcppool.DiscardReason;
import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.McpPoolException;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolStats;
import dev.mcppool.SessionCreationException;
import dev.mcppool.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed pool itself, independent of the MCP session type: partitions per key, per-key and global permits, fair
 * waiting, creation outside any lock, health checks, circuit breakers, housekeeping and shutdown.
 *
 * <p>Accounting: every session that is leased, idle or being created holds one slot of its partition
 * ({@code leased + idle + creating <= maxSessionsPerKey}) and one unit of {@link #totalSessions}
 * ({@code <= maxTotalSessions}). A slot changes hands only under the partition's lock; the global unit is taken with
 * a CAS that never exceeds the cap. Network I/O (open, check, close) and completing waiters' futures always happen
 * after the lock is released.
 *
 * @param <S> the session type
 */
public final class PoolEngine<S> {

    private static final Logger log = LoggerFactory.getLogger(PoolEngine.class);

    /** Marker results of {@link #tryReserve}. */
    private static final Object RETRY = new Object();
    private static final Object NEED_ROOM = new Object();

    private final PoolConfig config;
    private final SessionFactory<S> factory;
    private final Ticker ticker;
    private final SafeListener listener;
    private final ExecutorService worker;
    private final Executor closer;
    private final String name;
    private final int maxPerKey;
    private final int maxTotal;

    private final ConcurrentHashMap<PoolKey, Partition<S>> partitions = new ConcurrentHashMap<>();
    private final AtomicInteger keyCount = new AtomicInteger();
    private final AtomicInteger totalSessions = new AtomicInteger();
    private final ConcurrentLinkedQueue<Partition<S>> starved = new ConcurrentLinkedQueue<>();
    private final Set<PooledEntry<S>> live = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder healthCheckFailures = new LongAdder();
    private final LongAdder breakerTrips = new LongAdder();
    private final LongAdder keysEvicted = new LongAdder();
    private final LongAdder sessionsReaped = new LongAdder();
    private final LongAdder staleRetries = new LongAdder();
    private final LongAdder creationFailures = new LongAdder();
    private final LongAdder acquireTimeouts = new LongAdder();

    /**
     * @param worker runs keepalive pings and warm-up creations
     * @param closer closes discarded sessions; a session's global unit is freed when its close has finished
     */
    public PoolEngine(PoolConfig config, SessionFactory<S> factory, ExecutorService worker,
            Executor closer, String name) {
        this.config = config;
        this.factory = factory;
        this.ticker = config.ticker();
        this.listener = new SafeListener(config.listener());
        this.worker = worker;
        this.closer = closer;
        this.name = name;
        this.maxPerKey = config.maxSessionsPerKey();
        this.maxTotal = config.maxTotalSessions();
    }

    // ------------------------------------------------------------------------------------------------ acquire

    /**
     * Leases a session for this spec: an idle one (health-checked if it was idle long), or a new one if the key has
     * room, or the first one released to this caller within the acquire timeout.
     */
    public PooledEntry<S> acquire(SessionSpec spec) {
        ensureOpen();
        long start = System.nanoTime();
        long deadline = start + config.acquireTimeout().toNanos();
        checkBreaker(spec);
        boolean roomAttempted = false;
        while (true) {
            Partition<S> p = partition(spec);
            Object reserved = tryReserve(p, roomAttempted);
            if (reserved == RETRY) {
                continue;
            }
            if (reserved == NEED_ROOM) {
                roomAttempted = true;
                makeRoom(p);
                continue;
            }
            if (reserved instanceof Waiter && !starved.isEmpty()) {
                // Sessions released to idle before this caller joined the starved queue did not yield to it:
                // look once more for an idle session elsewhere to close for room.
                makeRoom(p);
            }
            Grant grant = reserved instanceof Waiter w ? await(p, w, start, deadline) : (Grant) reserved;
            if (grant == Grant.CREATE) {
                PooledEntry<S> created = create(p);
                listener.acquired(p.key, false, Duration.ofNanos(System.nanoTime() - start));
                return created;
            }
            @SuppressWarnings("unchecked")
            PooledEntry<S> entry = (PooledEntry<S>) grant;
            if (!validate(entry)) {
                continue;
            }
            hits.increment();
            listener.acquired(p.key, true, Duration.ofNanos(System.nanoTime() - start));
            return entry;
        }
    }

    private void checkBreaker(SessionSpec spec) {
        CircuitBreaker breaker = breakers.get(spec.displayUrl());
        if (breaker != null) {
            long blocked = breaker.blockedForNanos(ticker.nanoTime());
            if (blocked > 0) {
                throw circuitOpen(spec, blocked);
            }
        }
    }

    private Partition<S> partition(SessionSpec spec) {
        Partition<S> p = partitions.get(spec.key());
        if (p != null) {
            return p;
        }
        if (keyCount.get() >= config.maxKeys()) {
            evictIdleKeyForRoom();
        }
        return partitions.computeIfAbsent(spec.key(), key -> {
            if (keyCount.incrementAndGet() > config.maxKeys()) {
                keyCount.decrementAndGet();
                throw new PoolExhaustedException("pool holds maxKeys=" + config.maxKeys()
                        + " keys, all in use; cannot add " + key);
            }
            return new Partition<>(key, spec, ticker.nanoTime());
        });
    }

    /**
     * Takes an idle session or a creation slot if one is free and nobody is queued ahead; otherwise queues a
     * waiter. Returns a {@link Grant}, a {@link Waiter}, {@link #RETRY} (the key was just evicted) or
     * {@link #NEED_ROOM} (the key has room but the global cap is reached; try to free an idle session elsewhere).
     */
    private Object tryReserve(Partition<S> p, boolean roomAttempted) {
        Outcomes out = new Outcomes();
        long now = ticker.nanoTime();
        Object result = null;
        p.lock.lock();
        try {
            if (p.removed) {
                return RETRY;
            }
            if (closed) {
                throw poolClosed();
            }
            p.lastAccessAt = now;
            if (p.waiters.isEmpty()) {
                result = takeIdle(p, now, out);
                if (result == null && p.total() < maxPerKey) {
                    if (tryReserveGlobal()) {
                        p.creating++;
                        result = Grant.CREATE;
                    } else if (!roomAttempted) {
                        result = NEED_ROOM;
                    }
                }
            }
            if (result == null) {
                Waiter w = new Waiter();
                p.waiters.addLast(w);
                if (p.total() < maxPerKey) {
                    markStarved(p);
                }
                result = w;
            }
        } finally {
            p.lock.unlock();
            out.finish();
        }
        return result;
    }

    /** Under the lock: the most recently used idle session still fit to hand out, marked leased; or null. */
    private PooledEntry<S> takeIdle(Partition<S> p, long now, Outcomes out) {
        PooledEntry<S> e;
        while ((e = p.idle.pollFirst()) != null) {
            DiscardReason retire = retireReason(e, now);
            if (retire != null) {
                out.discardLocked(e, retire);
                continue;
            }
            e.state = PooledEntry.State.LEASED;
            p.leased++;
            return e;
        }
        return null;
    }

    private DiscardReason retireReason(PooledEntry<S> e, long now) {
        if (now - e.expiresAt >= 0) {
            return DiscardReason.TTL;
        }
        if (e.generation != generation.get()) {
            return DiscardReason.DRAIN;
        }
        return null;
    }

    private boolean tryReserveGlobal() {
        while (true) {
            int current = totalSessions.get();
            if (current >= maxTotal) {
                return false;
            }
            if (totalSessions.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private void markStarved(Partition<S> p) {
        if (!p.starved) {
            p.starved = true;
            starved.add(p);
        }
    }

    /** Waits for the waiter's grant until the deadline; gives back whatever arrives too late. */
    private Grant await(Partition<S> p, Waiter w, long start, long deadline) {
        try {
            return w.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (w.future.completeExceptionally(e)) {
                removeWaiter(p, w);
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                acquireTimeouts.increment();
                listener.acquireTimedOut(p.key, waited);
                throw exhausted(p, waited);
            }
            return grantOf(w);
        } catch (InterruptedException e) {
            if (w.future.cancel(false)) {
                removeWaiter(p, w);
            } else {
                giveBack(p, grantOf(w));
            }
            Thread.currentThread().interrupt();
            throw new AcquireInterruptedException("interrupted while waiting for a session of " + p.key, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static Grant grantOf(Waiter w) {
        try {
            return w.future.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof PoolClosedException closed) {
            return new PoolClosedException(closed.getMessage());
        }
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    private void removeWaiter(Partition<S> p, Waiter w) {
        p.lock.lock();
        try {
            p.waiters.remove(w);
        } finally {
            p.lock.unlock();
        }
    }

    /** Returns a grant its receiver cannot use: an idle session goes back, a creation slot is freed. */
    private void giveBack(Partition<S> p, Grant grant) {
        if (grant == Grant.CREATE) {
            releaseCreateSlot(p);
        } else {
            @SuppressWarnings("unchecked")
            PooledEntry<S> e = (PooledEntry<S>) grant;
            release(e, null, false);
        }
    }

    /** Health-checks an idle session that has been idle long; discards it if the chain fails. */
    private boolean validate(PooledEntry<S> e) {
        if (!factory.isUsable(e.session)) {
            release(e, DiscardReason.HEALTH, false);
            return false;
        }
        long now = ticker.nanoTime();
        if (now - e.lastKnownGood() <= config.healthCheckInterval().toNanos()) {
            return true;
        }
        boolean healthy = runHealthChain(e);
        if (Thread.currentThread().isInterrupted()) {
            release(e, healthy ? null : DiscardReason.HEALTH, false);
            throw new AcquireInterruptedException("interrupted during the health check of a session of "
                    + e.partition.key, new InterruptedException());
        }
        if (!healthy) {
            release(e, DiscardReason.HEALTH, false);
        }
        return healthy;
    }

    private boolean runHealthChain(PooledEntry<S> e) {
        for (HealthCheckMethod method : config.healthCheckMethods()) {
            HealthCheckOutcome outcome = factory.check(e.session, method, config.healthCheckTimeout());
            listener.healthChecked(e.partition.key, method, outcome);
            if (outcome == HealthCheckOutcome.PASSED) {
                e.lastValidatedAt = ticker.nanoTime();
                return true;
            }
            if (outcome == HealthCheckOutcome.FAILED || Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        healthCheckFailures.increment();
        return false;
    }

    // ------------------------------------------------------------------------------------------------ async acquire

    /**
     * Leases a session without blocking the calling thread: the same partitions, permits, FIFO waiters, breaker and
     * health checks as {@link #acquire}, with creation and health checks through the factory's async methods.
     * Waiting callers hold no thread; the acquire timeout completes the future exceptionally; cancelling the future
     * gives back whatever it held (its place in the queue, a creation slot, or the session). Continuations run on
     * {@code executor}, never inside the pool's bookkeeping, so long queues cannot recurse.
     *
     * @param timer    schedules acquire timeouts
     * @param executor runs the continuations that hand a granted session to the caller
     */
    public CompletableFuture<PooledEntry<S>> acquireAsync(SessionSpec spec, ScheduledExecutorService timer,
            Executor executor) {
        CompletableFuture<PooledEntry<S>> result = new CompletableFuture<>();
        try {
            ensureOpen();
            checkBreaker(spec);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        long start = System.nanoTime();
        new AsyncAcquire(spec, result, start, start + config.acquireTimeout().toNanos(), timer, executor).attempt();
        return result;
    }

    /** One async acquire: its attempts, its waiter, its timeout. */
    private final class AsyncAcquire {

        private final SessionSpec spec;
        private final CompletableFuture<PooledEntry<S>> result;
        private final long start;
        private final long deadline;
        private final ScheduledExecutorService timer;
        private final Executor executor;

        AsyncAcquire(SessionSpec spec, CompletableFuture<PooledEntry<S>> result, long start, long deadline,
                ScheduledExecutorService timer, Executor executor) {
            this.spec = spec;
            this.result = result;
            this.start = start;
            this.deadline = deadline;
            this.timer = timer;
            this.executor = executor;
        }

        void attempt() {
            try {
                boolean roomAttempted = false;
                while (!result.isDone()) {
                    Partition<S> p = partition(spec);
                    Object reserved = tryReserve(p, roomAttempted);
                    if (reserved == RETRY) {
                        continue;
                    }
                    if (reserved == NEED_ROOM) {
                        roomAttempted = true;
                        makeRoom(p);
                        continue;
                    }
                    if (reserved instanceof Waiter w) {
                        await(p, w);
                    } else {
                        use(p, (Grant) reserved);
                    }
                    return;
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private void await(Partition<S> p, Waiter w) {
            long remaining = deadline - System.nanoTime();
            ScheduledFuture<?> timeout = timer.schedule(() -> {
                if (w.future.completeExceptionally(new TimeoutException())) {
                    removeWaiter(p, w);
                    Duration waited = Duration.ofNanos(System.nanoTime() - start);
                    acquireTimeouts.increment();
                    listener.acquireTimedOut(p.key, waited);
                    result.completeExceptionally(exhausted(p, waited));
                }
            }, Math.max(0, remaining), TimeUnit.NANOSECONDS);
            result.whenComplete((entry, error) -> {
                if (result.isCancelled() && w.future.cancel(false)) {
                    timeout.cancel(false);
                    removeWaiter(p, w);
                }
            });
            w.future.whenCompleteAsync((grant, error) -> {
                timeout.cancel(false);
                if (error != null) {
                    if (!(error instanceof TimeoutException) && !(error instanceof java.util.concurrent.CancellationException)) {
                        result.completeExceptionally(rethrow(error));
                    }
                } else if (result.isDone()) {
                    giveBack(p, grant);
                } else {
                    use(p, grant);
                }
            }, executor);
            if (!starved.isEmpty()) {
                makeRoom(p);
            }
        }

        private void use(Partition<S> p, Grant grant) {
            if (grant == Grant.CREATE) {
                createAsync(p).whenComplete((entry, error) -> {
                    if (error != null) {
                        result.completeExceptionally(unwrap(error));
                    } else {
                        deliver(p, entry, false);
                    }
                });
                return;
            }
            @SuppressWarnings("unchecked")
            PooledEntry<S> entry = (PooledEntry<S>) grant;
            if (result.isDone()) {
                release(entry, null, false);
                return;
            }
            if (!factory.isUsable(entry.session)) {
                release(entry, DiscardReason.HEALTH, false);
                attempt();
                return;
            }
            if (ticker.nanoTime() - entry.lastKnownGood() <= config.healthCheckInterval().toNanos()) {
                deliver(p, entry, true);
                return;
            }
            healthChainAsync(entry, 0).whenComplete((healthy, error) -> {
                if (Boolean.TRUE.equals(healthy)) {
                    deliver(p, entry, true);
                } else {
                    healthCheckFailures.increment();
                    release(entry, DiscardReason.HEALTH, false);
                    attempt();
                }
            });
        }

        private void deliver(Partition<S> p, PooledEntry<S> entry, boolean hit) {
            if (hit) {
                hits.increment();
            }
            if (result.complete(entry)) {
                listener.acquired(p.key, hit, Duration.ofNanos(System.nanoTime() - start));
            } else {
                release(entry, null, false);
            }
        }
    }

    private CompletableFuture<Boolean> healthChainAsync(PooledEntry<S> e, int step) {
        List<HealthCheckMethod> chain = config.healthCheckMethods();
        if (step >= chain.size()) {
            return CompletableFuture.completedFuture(false);
        }
        HealthCheckMethod method = chain.get(step);
        return factory.checkAsync(e.session, method, config.healthCheckTimeout()).thenCompose(outcome -> {
            listener.healthChecked(e.partition.key, method, outcome);
            if (outcome == HealthCheckOutcome.PASSED) {
                e.lastValidatedAt = ticker.nanoTime();
                return CompletableFuture.completedFuture(true);
            }
            if (outcome == HealthCheckOutcome.FAILED) {
                return CompletableFuture.completedFuture(false);
            }
            return healthChainAsync(e, step + 1);
        });
    }

    /** Opens a session in a creation slot without blocking; the slot is freed on every failure path. */
    private CompletableFuture<PooledEntry<S>> createAsync(Partition<S> p) {
        CircuitBreaker breaker;
        try {
            breaker = permit(p);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int gen = generation.get();
        SessionContext context = new SessionContext(p.spec.headers());
        long start = System.nanoTime();
        CompletableFuture<S> opening;
        try {
            opening = factory.openAsync(p.spec, context);
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        return opening.handle((session, error) -> {
            if (error != null) {
                releaseCreateSlot(p);
                throw creationFailed(p, breaker, unwrap(error), Duration.ofNanos(System.nanoTime() - start));
            }
            PooledEntry<S> e = opened(p, breaker, session, context, gen, start);
            misses.increment();
            return accept(p, e);
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    // ------------------------------------------------------------------------------------------------ create

    /** Opens a session in a creation slot the caller holds; the slot is freed on every failure path. */
    private PooledEntry<S> create(Partition<S> p) {
        PooledEntry<S> e = open(p);
        misses.increment();
        return accept(p, e);
    }

    /** Moves a freshly opened session from the partition's creating count to its leased count. */
    private PooledEntry<S> accept(Partition<S> p, PooledEntry<S> e) {
        boolean accepted;
        p.lock.lock();
        try {
            p.creating--;
            accepted = !closed;
            if (accepted) {
                p.leased++;
                e.state = PooledEntry.State.LEASED;
                live.add(e);
            }
        } finally {
            p.lock.unlock();
        }
        if (!accepted) {
            factory.close(e.session);
            totalSessions.decrementAndGet();
            throw poolClosed();
        }
        return e;
    }

    /** Opens a session for the partition on the calling thread; on failure frees the slot and throws. */
    private PooledEntry<S> open(Partition<S> p) {
        CircuitBreaker breaker = permit(p);
        int gen = generation.get();
        SessionContext context = new SessionContext(p.spec.headers());
        long start = System.nanoTime();
        S session;
        try {
            session = factory.open(p.spec, context);
        } catch (Throwable t) {
            releaseCreateSlot(p);
            throw creationFailed(p, breaker, t, Duration.ofNanos(System.nanoTime() - start));
        }
        return opened(p, breaker, session, context, gen, start);
    }

    /** Asks the server's breaker for a creation; if it says no, frees the slot and throws. */
    private CircuitBreaker permit(Partition<S> p) {
        CircuitBreaker breaker = breaker(p.spec.displayUrl());
        if (!breaker.tryAcquirePermission(ticker.nanoTime())) {
            releaseCreateSlot(p);
            throw circuitOpen(p.spec, Math.max(1, breaker.blockedForNanos(ticker.nanoTime())));
        }
        return breaker;
    }

    private PooledEntry<S> opened(Partition<S> p, CircuitBreaker breaker, S session, SessionContext context, int gen,
            long start) {
        breaker.onSuccess();
        listener.sessionCreated(p.key, Duration.ofNanos(System.nanoTime() - start));
        long now = ticker.nanoTime();
        return new PooledEntry<>(session, p, context, now, now + lifetimeNanos(), gen);
    }

    private RuntimeException creationFailed(Partition<S> p, CircuitBreaker breaker, Throwable t, Duration took) {
        if (t instanceof VirtualMachineError error) {
            breaker.onAbandoned();
            throw error;
        }
        if (Failures.isInterrupt(t) || Thread.currentThread().isInterrupted()) {
            breaker.onAbandoned();
            Thread.currentThread().interrupt();
            return new AcquireInterruptedException("interrupted while opening a session for " + p.key, t);
        }
        if (closed) {
            breaker.onAbandoned();
            return poolClosed();
        }
        boolean callerSpecific = Failures.isCallerSpecific(t);
        if (breaker.onFailure(ticker.nanoTime(), callerSpecific)) {
            breakerTrips.increment();
        }
        creationFailures.increment();
        listener.sessionCreationFailed(p.key, took, t);
        String why = callerSpecific ? "the server rejected the credentials (HTTP 401/403)" : Failures.describe(t);
        log.debug("Opening a session for {} failed: {}", p.key, why);
        return new SessionCreationException("could not open an MCP session to " + p.spec.displayUrl() + " ("
                + p.spec.transport() + "): " + why, t, callerSpecific);
    }

    /** TTL shortened by a random fraction of up to {@code ttlJitter}, so sessions do not all expire together. */
    private long lifetimeNanos() {
        long ttl = config.sessionTtl().toNanos();
        double jitter = config.ttlJitter();
        return jitter == 0 ? ttl : (long) (ttl * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
    }

    private void releaseCreateSlot(Partition<S> p) {
        Outcomes out = new Outcomes();
        p.lock.lock();
        try {
            p.creating--;
            totalSessions.decrementAndGet();
            dispatchLocked(p, ticker.nanoTime(), out);
        } finally {
            p.lock.unlock();
            out.finish();
        }
    }

    private CircuitBreaker breaker(String url) {
        return breakers.computeIfAbsent(url, u -> new CircuitBreaker(config.breakerFailureThreshold(),
                config.breakerOpenDuration(), config.breakerMaxOpenDuration(), (from, to) -> {
                    log.info("Circuit breaker for {} changed from {} to {}", u, from, to);
                    listener.breakerStateChanged(u, from, to);
                }));
    }

    // ------------------------------------------------------------------------------------------------ release

    /**
     * Takes back a leased session: to the first waiter, to the idle deque, or closed if {@code discard} is given,
     * the pool is closed, or the session has expired.
     *
     * @param used whether a caller used the session (false for a grant given back unused or a keepalive ping)
     */
    public void release(PooledEntry<S> e, DiscardReason discard, boolean used) {
        Partition<S> p = e.partition;
        Outcomes out = new Outcomes();
        long now = ticker.nanoTime();
        p.lock.lock();
        try {
            if (e.state != PooledEntry.State.LEASED) {
                return;
            }
            p.leased--;
            e.context.reset();
            if (used) {
                e.lastUsedAt = now;
                e.useCount++;
                p.lastAccessAt = now;
            }
            DiscardReason why = discard != null ? discard : closed ? DiscardReason.SHUTDOWN : retireReason(e, now);
            if (why == null && p.waiters.isEmpty() && !starved.isEmpty()) {
                why = DiscardReason.CAPACITY;
            }
            if (why == null) {
                e.state = PooledEntry.State.IDLE;
                p.idle.addFirst(e);
            } else {
                out.discardLocked(e, why);
            }
            dispatchLocked(p, now, out);
        } finally {
            p.lock.unlock();
            out.finish();
        }
        if (used) {
            listener.released(p.key);
        }
    }

    /**
     * Under the lock: hands idle sessions or creation slots to queued callers, in arrival order. The waiter's future
     * is completed here, under the lock, so grants are delivered in the order they were made; that is safe because
     * only the pool depends on a waiter's future (a blocked {@code get} or an async hand-off to an executor), never
     * caller code. A waiter that gave up first loses nothing: its grant is undone and offered to the next.
     */
    private void dispatchLocked(Partition<S> p, long now, Outcomes out) {
        while (!p.waiters.isEmpty()) {
            Grant grant = takeIdle(p, now, out);
            if (grant == null) {
                if (p.total() >= maxPerKey || closed) {
                    return;
                }
                if (!tryReserveGlobal()) {
                    markStarved(p);
                    return;
                }
                p.creating++;
                grant = Grant.CREATE;
            }
            if (!p.waiters.pollFirst().future.complete(grant)) {
                undoLocked(p, grant);
            }
        }
    }

    /** Under the lock: takes back a grant its waiter never received. */
    private void undoLocked(Partition<S> p, Grant grant) {
        if (grant == Grant.CREATE) {
            p.creating--;
            totalSessions.decrementAndGet();
        } else {
            @SuppressWarnings("unchecked")
            PooledEntry<S> e = (PooledEntry<S>) grant;
            p.leased--;
            e.state = PooledEntry.State.IDLE;
            p.idle.addFirst(e);
        }
    }

    /** Lets partitions that wait for global room use the room freed since. */
    private void wakeStarved() {
        Partition<S> p;
        while (totalSessions.get() < maxTotal && (p = starved.poll()) != null) {
            Outcomes out = new Outcomes();
            p.lock.lock();
            try {
                p.starved = false;
                if (!p.removed) {
                    dispatchLocked(p, ticker.nanoTime(), out);
                }
            } finally {
                p.lock.unlock();
                out.finish(false);
            }
        }
    }

    /** Closes the least recently used idle session of another key to free global room; false if none exists. */
    private boolean makeRoom(Partition<S> requester) {
        PooledEntry<S> oldest = null;
        for (Partition<S> q : partitions.values()) {
            if (q == requester) {
                continue;
            }
            q.lock.lock();
            try {
                PooledEntry<S> candidate = q.idle.peekLast();
                if (candidate != null && (oldest == null || candidate.lastUsedAt - oldest.lastUsedAt < 0)) {
                    oldest = candidate;
                }
            } finally {
                q.lock.unlock();
            }
        }
        if (oldest == null) {
            return false;
        }
        Partition<S> q = oldest.partition;
        Outcomes out = new Outcomes();
        q.lock.lock();
        try {
            if (oldest.state == PooledEntry.State.IDLE && q.idle.remove(oldest)) {
                out.discardLocked(oldest, DiscardReason.CAPACITY);
            }
        } finally {
            q.lock.unlock();
            out.finish(false);
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ housekeeping

    /**
     * One housekeeping pass at {@code now}: closes idle sessions past their TTL or idle timeout, removes idle keys,
     * pings idle sessions due for keepalive and tops keys up to {@code minIdlePerKey}. Returns the delay in
     * nanoseconds until the next pass is due, or -1 once the pool is closed.
     */
    public long maintain(long now) {
        if (closed) {
            return -1;
        }
        Outcomes out = new Outcomes();
        List<PooledEntry<S>> keepalive = new ArrayList<>();
        List<Partition<S>> warm = new ArrayList<>();
        List<PoolKey> evicted = new ArrayList<>();
        for (Partition<S> p : partitions.values()) {
            p.lock.lock();
            try {
                if (!p.removed) {
                    sweepIdle(p, now, out, keepalive);
                    if (evictIfIdle(p, now, out)) {
                        evicted.add(p.key);
                    } else {
                        reserveWarmUp(p, now, warm);
                    }
                }
            } finally {
                p.lock.unlock();
            }
        }
        out.finish();
        for (PoolKey key : evicted) {
            keysEvicted.increment();
            listener.keyEvicted(key);
            log.debug("Evicted idle key {}", key);
        }
        for (PooledEntry<S> e : keepalive) {
            worker.execute(() -> keepAlive(e));
        }
        for (Partition<S> p : warm) {
            worker.execute(() -> warmUp(p));
        }
        return config.housekeepingInterval().toNanos();
    }

    private void sweepIdle(Partition<S> p, long now, Outcomes out, List<PooledEntry<S>> keepalive) {
        long idleTimeout = config.sessionIdleTimeout().toNanos();
        long keepaliveInterval = config.keepaliveInterval().toNanos();
        for (Iterator<PooledEntry<S>> it = p.idle.iterator(); it.hasNext(); ) {
            PooledEntry<S> e = it.next();
            DiscardReason why = retireReason(e, now);
            if (why == null && now - e.lastUsedAt >= idleTimeout) {
                why = DiscardReason.IDLE;
            }
            if (why != null) {
                it.remove();
                out.discardLocked(e, why);
                sessionsReaped.increment();
            } else if (keepaliveInterval > 0 && now - e.lastKnownGood() >= keepaliveInterval) {
                it.remove();
                e.state = PooledEntry.State.LEASED;
                p.leased++;
                keepalive.add(e);
            }
        }
    }

    private boolean evictIfIdle(Partition<S> p, long now, Outcomes out) {
        if (p.leased > 0 || p.creating > 0 || !p.waiters.isEmpty()
                || now - p.lastAccessAt < config.keyIdleTimeout().toNanos()) {
            return false;
        }
        for (PooledEntry<S> e : p.idle) {
            out.discardLocked(e, DiscardReason.IDLE);
            sessionsReaped.increment();
        }
        p.idle.clear();
        p.removed = true;
        partitions.remove(p.key, p);
        keyCount.decrementAndGet();
        return true;
    }

    private void reserveWarmUp(Partition<S> p, long now, List<Partition<S>> warm) {
        int missing = config.minIdlePerKey() - p.idle.size() - p.creating;
        while (missing-- > 0 && p.total() < maxPerKey && tryReserveGlobal()) {
            p.creating++;
            warm.add(p);
        }
    }

    private void keepAlive(PooledEntry<S> e) {
        HealthCheckOutcome outcome = factory.check(e.session, HealthCheckMethod.PING, config.healthCheckTimeout());
        listener.healthChecked(e.partition.key, HealthCheckMethod.PING, outcome);
        if (outcome == HealthCheckOutcome.PASSED || outcome == HealthCheckOutcome.UNSUPPORTED) {
            e.lastValidatedAt = ticker.nanoTime();
            release(e, null, false);
        } else {
            healthCheckFailures.increment();
            release(e, DiscardReason.HEALTH, false);
        }
    }

    /** Opens one session into the idle deque, in a creation slot already reserved; never throws. */
    private void warmUp(Partition<S> p) {
        try {
            warmUpOrThrow(p);
        } catch (McpPoolException e) {
            log.debug("Warming up {} failed: {}", p.key, e.getMessage());
        }
    }

    /**
     * Opens sessions for this spec until the key holds {@code count} idle or creating sessions (bounded by the per-key
     * and global caps), on the calling thread. Returns how many were opened.
     */
    public int prewarm(SessionSpec spec, int count) {
        ensureOpen();
        int opened = 0;
        while (true) {
            Partition<S> p = partition(spec);
            boolean reserved = false;
            p.lock.lock();
            try {
                if (p.removed) {
                    continue;
                }
                if (p.idle.size() + p.creating < count && p.total() < maxPerKey && tryReserveGlobal()) {
                    p.creating++;
                    p.lastAccessAt = ticker.nanoTime();
                    reserved = true;
                }
            } finally {
                p.lock.unlock();
            }
            if (!reserved) {
                return opened;
            }
            warmUpOrThrow(p);
            opened++;
        }
    }

    private void warmUpOrThrow(Partition<S> p) {
        PooledEntry<S> e = open(p);
        Outcomes out = new Outcomes();
        p.lock.lock();
        try {
            p.creating--;
            if (closed) {
                out.closeOnly(e);
            } else {
                live.add(e);
                e.state = PooledEntry.State.IDLE;
                p.idle.addFirst(e);
                dispatchLocked(p, ticker.nanoTime(), out);
            }
        } finally {
            p.lock.unlock();
            out.finish();
        }
        if (closed) {
            throw poolClosed();
        }
    }

    /** When the key limit is reached: removes the least recently used key that holds no leased session. */
    private void evictIdleKeyForRoom() {
        Partition<S> victim = null;
        for (Partition<S> p : partitions.values()) {
            p.lock.lock();
            try {
                boolean unused = p.leased == 0 && p.creating == 0 && p.waiters.isEmpty() && !p.removed;
                if (unused && (victim == null || p.lastAccessAt - victim.lastAccessAt < 0)) {
                    victim = p;
                }
            } finally {
                p.lock.unlock();
            }
        }
        if (victim == null) {
            return;
        }
        Outcomes out = new Outcomes();
        boolean removed = false;
        victim.lock.lock();
        try {
            if (victim.leased == 0 && victim.creating == 0 && victim.waiters.isEmpty() && !victim.removed) {
                for (PooledEntry<S> e : victim.idle) {
                    out.discardLocked(e, DiscardReason.CAPACITY);
                }
                victim.idle.clear();
                victim.removed = true;
                partitions.remove(victim.key, victim);
                keyCount.decrementAndGet();
                removed = true;
            }
        } finally {
            victim.lock.unlock();
            out.finish();
        }
        if (removed) {
            keysEvicted.increment();
            listener.keyEvicted(victim.key);
        }
    }

    /** Closes every idle session and retires leased ones when they come back; the pool stays open. */
    public int drain() {
        generation.incrementAndGet();
        Outcomes out = new Outcomes();
        int drained = 0;
        for (Partition<S> p : partitions.values()) {
            p.lock.lock();
            try {
                for (PooledEntry<S> e : p.idle) {
                    out.discardLocked(e, DiscardReason.DRAIN);
                    drained++;
                }
                p.idle.clear();
                dispatchLocked(p, ticker.nanoTime(), out);
            } finally {
                p.lock.unlock();
            }
        }
        out.finish();
        return drained;
    }

    public void recordStaleRetry(PoolKey key) {
        staleRetries.increment();
        listener.retriedAfterStaleSession(key);
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    /**
     * Closes the pool: fails waiting callers and closes idle and leased sessions (gracefully, in parallel, within
     * the close timeout, then forcibly). Idempotent. Call {@link #finishClose()} once discarded sessions still
     * closing on the closer have finished.
     */
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        List<Waiter> waiters = new ArrayList<>();
        for (Partition<S> p : partitions.values()) {
            p.lock.lock();
            try {
                waiters.addAll(p.waiters);
                p.waiters.clear();
            } finally {
                p.lock.unlock();
            }
        }
        PoolClosedException closedError = poolClosed();
        waiters.forEach(w -> w.future.completeExceptionally(closedError));
        List<PooledEntry<S>> toClose = new ArrayList<>();
        for (PooledEntry<S> e : List.copyOf(live)) {
            Partition<S> p = e.partition;
            p.lock.lock();
            try {
                if (e.state == PooledEntry.State.IDLE) {
                    p.idle.remove(e);
                } else if (e.state == PooledEntry.State.LEASED) {
                    p.leased--;
                } else {
                    continue;
                }
                e.state = PooledEntry.State.CLOSED;
                live.remove(e);
                toClose.add(e);
            } finally {
                p.lock.unlock();
            }
        }
        closeAll(toClose);
        totalSessions.addAndGet(-toClose.size());
        toClose.forEach(e -> listener.discarded(e.partition.key, DiscardReason.SHUTDOWN));
        partitions.clear();
        keyCount.set(0);
        log.debug("Pool {} closed {} sessions", name, toClose.size());
    }

    /**
     * The last step of closing, once sessions discarded earlier have finished closing too (their DELETEs need the
     * factory's HTTP executor): releases the factory and tells the listener.
     */
    public void finishClose() {
        factory.shutdown();
        listener.poolClosed(name);
    }

    /** Closes sessions gracefully in parallel; whatever is still open at the deadline is closed forcibly. */
    private void closeAll(List<PooledEntry<S>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        int threads = Math.min(16, entries.size());
        ExecutorService closers = Executors.newFixedThreadPool(threads, new NamedThreadFactory(name + "-closer"));
        try {
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            for (PooledEntry<S> e : entries) {
                closing.add(CompletableFuture.runAsync(() -> factory.closeGracefully(e.session), closers));
            }
            try {
                CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                        .get(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                log.warn("Pool {}: not every session closed gracefully within {}; closing the rest forcibly", name,
                        config.closeTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < entries.size(); i++) {
                if (!closing.get(i).isDone()) {
                    factory.close(entries.get(i).session);
                }
            }
        } finally {
            closers.shutdownNow();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw poolClosed();
        }
    }

    private PoolClosedException poolClosed() {
        return new PoolClosedException("pool " + name + " is closed");
    }

    private CircuitOpenException circuitOpen(SessionSpec spec, long blockedNanos) {
        Duration retryAfter = Duration.ofNanos(blockedNanos);
        return new CircuitOpenException("circuit breaker open for " + spec.displayUrl() + " after repeated failures"
                + " to open sessions; retry after " + retryAfter.toMillis() + " ms", retryAfter);
    }

    private PoolExhaustedException exhausted(Partition<S> p, Duration waited) {
        p.lock.lock();
        try {
            return new PoolExhaustedException("pool exhausted for " + p.key + ": timed out after "
                    + waited.toMillis() + " ms (leased=" + p.leased + ", idle=" + p.idle.size() + ", creating="
                    + p.creating + ", waiting=" + p.waiters.size() + ", maxSessionsPerKey=" + maxPerKey
                    + ", totalSessions=" + totalSessions.get() + "/" + maxTotal + ")");
        } finally {
            p.lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ stats

    public PoolStats stats(long anonymousIdentities) {
        long now = ticker.nanoTime();
        int leased = 0;
        int idle = 0;
        int creating = 0;
        int pending = 0;
        long oldest = Long.MAX_VALUE;
        List<PoolStats.KeyStats> keys = new ArrayList<>();
        for (Partition<S> p : partitions.values()) {
            p.lock.lock();
            try {
                leased += p.leased;
                idle += p.idle.size();
                creating += p.creating;
                pending += p.waiters.size();
                for (PooledEntry<S> e : p.idle) {
                    oldest = Math.min(oldest, e.createdAt);
                }
                keys.add(new PoolStats.KeyStats(p.key, p.leased, p.idle.size(), p.creating, p.waiters.size(),
                        maxPerKey));
            } finally {
                p.lock.unlock();
            }
        }
        for (PooledEntry<S> e : live) {
            oldest = Math.min(oldest, e.createdAt);
        }
        keys.sort(Comparator.comparing(k -> k.key().toString()));
        Map<String, PoolStats.BreakerStats> breakerStats = new TreeMap<>();
        breakers.forEach((url, b) -> breakerStats.put(url, b.snapshot(now)));
        Duration oldestAge = oldest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - oldest));
        return new PoolStats(hits.sum(), misses.sum(), evictions.sum(), healthCheckFailures.sum(), breakerTrips.sum(),
                keysEvicted.sum(), sessionsReaped.sum(), anonymousIdentities, staleRetries.sum(),
                creationFailures.sum(), acquireTimeouts.sum(), keys.size(), leased, idle, creating, pending,
                oldestAge, List.copyOf(keys), Map.copyOf(breakerStats));
    }

    /** Sessions open or being opened, across all keys. */
    public int totalSessions() {
        return totalSessions.get();
    }

    /**
     * Closes a discarded session on the closer (gracefully: its DELETE is bounded by the close timeout) and only then
     * frees its global unit, so sessions open anywhere never exceed {@code maxTotalSessions}; then lets starved keys
     * use the room.
     */
    private void closeAndFree(PooledEntry<S> e, DiscardReason reason) {
        Runnable close = () -> {
            try {
                factory.closeGracefully(e.session);
            } finally {
                freed(e, reason);
            }
        };
        try {
            closer.execute(close);
        } catch (java.util.concurrent.RejectedExecutionException rejected) {
            factory.close(e.session);
            freed(e, reason);
        }
    }

    private void freed(PooledEntry<S> e, DiscardReason reason) {
        totalSessions.decrementAndGet();
        if (reason != null) {
            if (reason == DiscardReason.TTL || reason == DiscardReason.HEALTH) {
                evictions.increment();
            }
            listener.discarded(e.partition.key, reason);
        }
        if (!starved.isEmpty()) {
            wakeStarved();
        }
    }

    // ------------------------------------------------------------------------------------------------ outcomes

    /**
     * What a locked section decided to do once the lock is released: sessions to close. Collecting them keeps
     * I/O out of the lock.
     */
    private final class Outcomes {

        private List<PooledEntry<S>> discards;
        private List<DiscardReason> reasons;

        /**
         * Under the lock: marks the entry closed; its slot is gone with it. Its global unit is freed only once the
         * session has been closed, so open sessions never exceed {@code maxTotalSessions}, not even briefly.
         */
        void discardLocked(PooledEntry<S> e, DiscardReason reason) {
            e.state = PooledEntry.State.CLOSED;
            add(e, reason);
        }

        /** A session that never entered the pool, to be closed quietly. */
        void closeOnly(PooledEntry<S> e) {
            e.state = PooledEntry.State.CLOSED;
            add(e, null);
        }

        private void add(PooledEntry<S> e, DiscardReason reason) {
            if (discards == null) {
                discards = new ArrayList<>(2);
                reasons = new ArrayList<>(2);
            }
            discards.add(e);
            reasons.add(reason);
        }

        void finish() {
            finish(true);
        }

        @SuppressWarnings("unchecked")
        void finish(boolean wake) {
            if (discards != null) {
                for (int i = 0; i < discards.size(); i++) {
                    PooledEntry<S> e = discards.get(i);
                    live.remove(e);
                    closeAndFree(e, reasons.get(i));
                }
            }
            if (wake && !starved.isEmpty()) {
                wakeStarved();
            }
        }
    }
}
