package dev.mcppool.internal;

import dev.mcppool.CircuitOpenException;
import dev.mcppool.DiscardReason;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolStats;
import dev.mcppool.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed pool, independent of the session type and written once for both front doors: an asynchronous core.
 * The blocking door waits on the futures returned here on its caller's thread; the async door hands them to its
 * callers through their executor. The hit path ({@link #tryAcquireIdle}) needs no future at all.
 *
 * <p>Who does what: each {@link Partition} owns its key's sessions and their state machine; {@link SessionBudget}
 * the global cap; {@link AcquireOperation} one acquire on the full path; {@link Creations} opening sessions;
 * {@link HealthChecker} checks; {@link SessionCloser} closes; {@link Housekeeper} the periodic pass;
 * {@link BreakerRegistry} breakers; {@link PoolCounters} counters. No lock is held across network I/O or a caller's
 * code: partitions return {@link Outcomes} that {@link #finish} carries out after their lock is released.
 *
 * @param <S> the session type
 */
public final class PoolEngine<S> {

    private static final Logger log = LoggerFactory.getLogger(PoolEngine.class);
    /** Closes running at once; more queue behind them. */
    private static final int MAX_CONCURRENT_CLOSES = 64;

    private final PoolConfig config;
    private final SessionFactory<S> factory;
    private final Ticker ticker;
    private final TaskTimer timer;
    private final SafeListener listener;
    private final String name;
    private final PoolState state;
    private final PoolCounters counters = new PoolCounters();
    private final BreakerRegistry breakers;
    private final SessionCloser<S> closer;
    private final Creations<S> creations;
    private final HealthChecker<S> health;
    private final Housekeeper<S> housekeeper;

    private final KeyMap<S> keys;
    /** Every session opened and not yet closing, to close leased ones at shutdown. */
    private final Set<PooledEntry<S>> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger wakeRequests = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile CompletableFuture<Void> closed;

    /** @param timer runs acquire deadlines */
    public PoolEngine(PoolConfig config, SessionFactory<S> factory, TaskTimer timer, String name) {
        this.config = config;
        this.factory = factory;
        this.ticker = config.ticker();
        this.timer = timer;
        this.listener = new SafeListener(config.listener());
        this.name = name;
        this.state = new PoolState(config);
        this.breakers = new BreakerRegistry(config, listener);
        this.closer = new SessionCloser<>(factory, state, counters, listener, MAX_CONCURRENT_CLOSES,
                this::wakeStarved);
        this.creations = new Creations<>(this, config, factory, breakers, counters, listener);
        this.health = new HealthChecker<>(config, factory, listener, counters);
        this.housekeeper = new Housekeeper<>(this, config);
        this.keys = new KeyMap<>(this, config, state);
    }

    // ------------------------------------------------------------------------------------------------ acquire

    /**
     * The hit path: an idle session of this key that needs nothing (no check due, nobody queued), leased on the
     * calling thread without allocating; or null, and the caller takes {@link #acquire}.
     */
    public PooledEntry<S> tryAcquireIdle(SessionSpec spec) {
        Partition<S> p = keys.get(spec.key());
        if (p == null) {
            return null;
        }
        PooledEntry<S> e = p.takeFresh(ticker.nanoTime());
        if (e == null) {
            return null;
        }
        if (!factory.isUsable(e.session)) {
            release(e, DiscardReason.HEALTH, false);
            return null;
        }
        acquired(e, true, 0);
        return e;
    }

    /**
     * The full path: an idle session (health-checked if it was idle long), a new one if the key has room, or the
     * first one released to this caller within the acquire timeout. Cancelling the future gives back whatever the
     * acquire held: its place in the queue, or the session (a creation in progress finishes into the idle deque).
     */
    public CompletableFuture<PooledEntry<S>> acquire(SessionSpec spec) {
        if (isClosed()) {
            return CompletableFuture.failedFuture(poolClosed());
        }
        AcquireOperation<S> op = new AcquireOperation<>(this, spec, ticker.nanoTime(),
                config.acquireTimeout().toNanos());
        op.attempt();
        return op.result;
    }

    Partition<S> partition(SessionSpec spec) {
        return keys.partition(spec);
    }

    void removed(Partition<S> p) {
        keys.remove(p);
    }

    void acquired(PooledEntry<S> e, boolean hit, long waitedNanos) {
        if (hit) {
            counters.hits.increment();
        } else {
            counters.misses.increment();
        }
        listener.acquired(e.partition.key, hit, waitedNanos == 0 ? Duration.ZERO : Duration.ofNanos(waitedNanos));
    }

    /** Closes the least recently used idle session of another key to free a global unit. */
    void makeRoom(Partition<S> requester) {
        PooledEntry<S> oldest = null;
        for (Partition<S> q : keys.all()) {
            PooledEntry<S> candidate = q == requester ? null : q.oldestIdle();
            if (candidate != null && (oldest == null || candidate.lastUsedAt - oldest.lastUsedAt < 0)) {
                oldest = candidate;
            }
        }
        if (oldest != null) {
            Outcomes<S> out = new Outcomes<>();
            oldest.partition.discardForRoom(oldest, out);
            finish(out);
        }
    }

    // ------------------------------------------------------------------------------------------------ release

    /**
     * Takes back a leased or validating session: to the first waiter, to idle, or closed if {@code discard} is
     * given, the pool is closed or the session expired. Releasing twice is a no-op.
     *
     * @param used whether a caller used the session (false for a grant given back unused or a health check)
     */
    public void release(PooledEntry<S> e, DiscardReason discard, boolean used) {
        Outcomes<S> out = e.partition.release(e, discard, used, ticker.nanoTime());
        finish(out == null ? Outcomes.none() : out);
        if (out != null && used) {
            listener.released(e.partition.key);
        }
    }

    /** Returns a grant its acquire no longer wants. */
    void giveBack(Partition<S> p, Reservation grant) {
        Outcomes<S> out = new Outcomes<>();
        p.undo(grant, ticker.nanoTime(), out);
        finish(out);
    }

    void creationFailed(Partition<S> p) {
        Outcomes<S> out = new Outcomes<>();
        p.creationFailed(ticker.nanoTime(), out);
        finish(out);
    }

    /** A session opened in a slot of {@code p} enters the pool; false (and it is closed) if the pool closed. */
    boolean accept(Partition<S> p, PooledEntry<S> e, SessionState target) {
        live.add(e);
        Outcomes<S> out = new Outcomes<>();
        boolean accepted = p.opened(e, target, ticker.nanoTime(), out);
        finish(out);
        return accepted;
    }

    /**
     * Carries out what a partition decided under its lock: hands grants to waiters in order (a waiter that gave up
     * gets its grant undone), closes discarded sessions, and lets starved keys use freed room.
     */
    void finish(Outcomes<S> out) {
        for (int i = 0; i < out.deliveryCount(); i++) {
            deliver(out.delivery(i));
        }
        for (int i = 0; i < out.discardCount(); i++) {
            PooledEntry<S> e = out.discarded(i);
            live.remove(e);
            closer.close(e, out.reason(i));
        }
        if (state.budget.hasStarved()) {
            wakeStarved();
        }
    }

    /**
     * Hands a partition's grants to their waiters in grant order, one thread at a time (others hand over their
     * turn); a waiter that gave up gets its grant undone, which may grant the next.
     */
    private void deliver(Partition<S> p) {
        if (p.deliveryWip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Partition.Delivery d;
            while ((d = p.deliveries.poll()) != null) {
                if (!d.waiter().future.complete(d.grant())) {
                    giveBack(p, d.grant());
                }
            }
            missed = p.deliveryWip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Lets partitions that wait for global room use the room freed since; one thread drains, others hand over. */
    @SuppressWarnings("unchecked")
    private void wakeStarved() {
        if (wakeRequests.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            PartitionState<?> p;
            while ((p = state.budget.nextStarved()) != null) {
                Outcomes<S> out = new Outcomes<>();
                ((Partition<S>) p).wake(ticker.nanoTime(), out);
                finish(out); // a nested wake only counts a request: this loop serves it
            }
            missed = wakeRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    // ------------------------------------------------------------------------------------------------ the rest

    /**
     * Opens sessions for this spec until the key holds {@code count} idle or creating sessions (bounded by the
     * per-key and global caps). Completes with how many were opened, or with the first failure.
     */
    public CompletableFuture<Integer> prewarm(SessionSpec spec, int count) {
        if (isClosed()) {
            return CompletableFuture.failedFuture(poolClosed());
        }
        int reserved;
        Partition<S> p;
        try {
            p = partition(spec);
            reserved = p.reserveUpTo(count, ticker.nanoTime());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<PooledEntry<S>>> opening = new ArrayList<>(reserved);
        for (int i = 0; i < reserved; i++) {
            opening.add(creations.open(p, SessionState.IDLE));
        }
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).thenApply(ignored -> reserved);
    }

    /** One housekeeping pass at {@code now}; see {@link Housekeeper}. */
    public long maintain(long now) {
        return housekeeper.maintain(now);
    }

    /** Closes every idle session and retires leased ones when they come back; the pool stays open. */
    public int drain() {
        state.generation.incrementAndGet();
        Outcomes<S> out = new Outcomes<>();
        int drained = 0;
        for (Partition<S> p : keys.all()) {
            drained += p.discardIdle(DiscardReason.DRAIN, ticker.nanoTime(), out);
        }
        finish(out);
        return drained;
    }

    public void recordStaleRetry(PoolKey key) {
        counters.staleRetries.increment();
        listener.retriedAfterStaleSession(key);
    }

    /**
     * Closes the pool: fails waiting callers, and closes idle and leased sessions and every close already queued
     * (gracefully, within the close timeout each). Idempotent. The future completes when those closes finished;
     * then call {@link #finishClose()}.
     */
    public CompletableFuture<Void> close() {
        if (!closing.compareAndSet(false, true)) {
            return closed;
        }
        state.closed = true;
        List<Waiter> waiters = new ArrayList<>();
        Outcomes<S> out = new Outcomes<>();
        for (Partition<S> p : keys.all()) {
            waiters.addAll(p.shutdown(out));
        }
        for (PooledEntry<S> e : List.copyOf(live)) {
            e.partition.shutdownBusy(e, out);
        }
        PoolClosedException error = poolClosed();
        waiters.forEach(w -> w.future.completeExceptionally(error));
        finish(out);
        keys.clear();
        log.debug("Pool {} closing {} sessions", name, out.discardCount());
        // Creations still running finish into a closed pool and are discarded: close those too, and wait for the
        // handshakes the factory still runs for sessions opened too late.
        closed = CompletableFuture.allOf(closer.shutdown(), creations.settled()
                .thenCompose(ignored -> CompletableFuture.allOf(closer.shutdown(), factory.settled())));
        return closed;
    }

    /** The last step of closing: force-closes anything left, stops the factory, tells the listener. */
    public void finishClose() {
        factory.shutdown();
        listener.poolClosed(name);
    }

    public boolean isClosed() {
        return state.closed;
    }

    public PoolStats stats(long anonymousIdentities) {
        return counters.snapshot(anonymousIdentities, keys.all(), live, breakers, ticker.nanoTime());
    }

    /** Global units in use: sessions open, being opened or still closing, across all keys. */
    public int totalSessions() {
        return state.budget.used();
    }

    // ------------------------------------------------------------------------------------------------ errors

    PoolClosedException poolClosed() {
        return new PoolClosedException("pool " + name + " is closed");
    }

    CircuitOpenException circuitOpen(SessionSpec spec, long blockedNanos) {
        Duration retryAfter = Duration.ofNanos(blockedNanos);
        return new CircuitOpenException("circuit breaker open for " + spec.displayUrl() + " after repeated failures"
                + " to open sessions; retry after " + retryAfter.toMillis() + " ms", retryAfter);
    }

    PoolExhaustedException exhausted(Partition<S> p, Duration waited) {
        counters.acquireTimeouts.increment();
        listener.acquireTimedOut(p.key, waited);
        return new PoolExhaustedException("pool exhausted for " + p.key + ": timed out after " + waited.toMillis()
                + " ms (" + p.describeCounts() + ", totalSessions=" + state.budget.used() + "/"
                + state.budget.max() + ")");
    }

    // ------------------------------------------------------------------------------------------------ parts

    long now() {
        return ticker.nanoTime();
    }

    PoolState state() {
        return state;
    }

    TaskTimer timer() {
        return timer;
    }

    SessionFactory<S> factory() {
        return factory;
    }

    Creations<S> creations() {
        return creations;
    }

    HealthChecker<S> health() {
        return health;
    }

    BreakerRegistry breakers() {
        return breakers;
    }

    PoolCounters counters() {
        return counters;
    }

    SafeListener listener() {
        return listener;
    }

    Collection<Partition<S>> partitions() {
        return keys.all();
    }
}
