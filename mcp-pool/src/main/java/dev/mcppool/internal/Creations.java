package dev.mcppool.internal;

import dev.mcppool.PoolConfig;
import dev.mcppool.SessionCreationException;
import dev.mcppool.Ticker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sessions in creation slots, for both front doors: asks the server's breaker, starts the handshake (which
 * the factory fails at the create timeout) and classifies failures once. The slot is freed on every failure path.
 */
final class Creations<S> {

    private static final Logger log = LoggerFactory.getLogger(Creations.class);

    private final PoolEngine<S> engine;
    private final SessionFactory<S> factory;
    private final BreakerRegistry breakers;
    private final PoolCounters counters;
    private final SafeListener listener;
    private final Ticker ticker;
    private final long ttl;
    private final double ttlJitter;
    private final java.util.Set<CompletableFuture<?>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Creations(PoolEngine<S> engine, PoolConfig config, SessionFactory<S> factory, BreakerRegistry breakers,
            PoolCounters counters, SafeListener listener) {
        this.engine = engine;
        this.factory = factory;
        this.breakers = breakers;
        this.counters = counters;
        this.listener = listener;
        this.ticker = config.ticker();
        this.ttl = config.sessionTtl().toNanos();
        this.ttlJitter = config.ttlJitter();
    }

    /**
     * Opens a session in a creation slot of {@code p} that the caller holds.
     *
     * @param target {@code LEASED} for a caller (the future then hands the lease over), {@code IDLE} for warm-up
     */
    CompletableFuture<PooledEntry<S>> open(Partition<S> p, SessionState target) {
        long start = ticker.nanoTime();
        CircuitBreaker breaker = breakers.of(p.spec.displayUrl());
        CircuitBreaker.Permit permit = breaker.tryAcquire(start);
        if (permit == null) {
            engine.creationFailed(p);
            return CompletableFuture.failedFuture(
                    engine.circuitOpen(p.spec, Math.max(1, breaker.blockedForNanos(ticker.nanoTime()))));
        }
        CompletableFuture<PooledEntry<S>> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((e, error) -> pending.remove(result));
        if (engine.isClosed()) {
            // Registered before the check, as close() sets the flag before it looks at what is pending: either
            // close() waits for this creation, or this creation sees the pool closed and never starts.
            engine.creationFailed(p);
            breaker.onAbandoned(permit);
            result.completeExceptionally(engine.poolClosed());
            return result;
        }
        int generation = engine.state().generation.get();
        SessionContext context = new SessionContext(p.spec.headers());
        CompletableFuture<S> opening;
        try {
            opening = factory.open(p.spec, context);
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete((session, error) -> {
            try {
                if (error != null) {
                    failed(p, breaker, permit, result, unwrap(error), start);
                } else {
                    opened(p, breaker, permit, result, session, context, generation, target, start);
                }
            } catch (RuntimeException | Error bug) {
                breaker.onAbandoned(permit);
                log.error("Opening a session for {} failed inside the pool", p.key, bug);
                result.completeExceptionally(bug);
            }
        });
        return result;
    }

    private void failed(Partition<S> p, CircuitBreaker breaker, CircuitBreaker.Permit permit,
            CompletableFuture<PooledEntry<S>> result, Throwable error, long start) {
        engine.creationFailed(p);
        if (engine.isClosed()) {
            breaker.onAbandoned(permit);
            result.completeExceptionally(engine.poolClosed());
            return;
        }
        result.completeExceptionally(classify(p, breaker, permit, error, start));
    }

    private SessionCreationException classify(Partition<S> p, CircuitBreaker breaker, CircuitBreaker.Permit permit,
            Throwable error, long start) {
        if (error instanceof VirtualMachineError fatal) {
            breaker.onAbandoned(permit);
            throw fatal;
        }
        String callerSide = Failures.callerSide(error);
        boolean callerSpecific = callerSide != null;
        if (breaker.onFailure(permit, ticker.nanoTime(), callerSpecific)) {
            counters.breakerTrips.increment();
        }
        counters.creationFailures.increment();
        listener.sessionCreationFailed(p.key, Duration.ofNanos(ticker.nanoTime() - start), error);
        // A caller-side failure is described by its kind only: the HTTP stack's message may name a rejected header.
        String why = callerSpecific ? callerSide : Failures.describe(error);
        log.debug("Opening a session for {} failed: {}", p.key, why);
        return new SessionCreationException("could not open an MCP session to " + p.spec.displayUrl() + " ("
                + p.spec.transport() + "): " + why, error, callerSpecific);
    }

    private void opened(Partition<S> p, CircuitBreaker breaker, CircuitBreaker.Permit permit,
            CompletableFuture<PooledEntry<S>> result, S session,
            SessionContext context, int generation, SessionState target, long start) {
        long now = ticker.nanoTime();
        PooledEntry<S> e = new PooledEntry<>(session, p, context, now, now + lifetimeNanos(), generation,
                SessionState.OPENING);
        breaker.onSuccess(permit);
        listener.sessionCreated(p.key, Duration.ofNanos(now - start));
        if (engine.accept(p, e, target)) {
            result.complete(e);
        } else {
            result.completeExceptionally(engine.poolClosed());
        }
    }

    /** Completes when every creation running now has ended (opened into the pool, or failed). */
    CompletableFuture<Void> settled() {
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((r, e) -> null);
    }

    /** TTL shortened by a random fraction of up to {@code ttlJitter}, so sessions do not all expire together. */
    private long lifetimeNanos() {
        return ttlJitter == 0 ? ttl : (long) (ttl * (1 - ttlJitter * ThreadLocalRandom.current().nextDouble()));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
