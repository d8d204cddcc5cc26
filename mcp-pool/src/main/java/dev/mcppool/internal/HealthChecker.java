package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolConfig;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The pool's one health checker: the configured chain before reusing a session that was idle long, and the
 * keepalive ping. Asynchronous: each step is one request on the session, and nothing waits for it on a thread.
 *
 * <p>Chain: a step that passes ends it (healthy); a step that fails ends it (unhealthy); a step the server does not
 * support ({@code METHOD_NOT_FOUND}) hands over to the next step; a step that times out fails the session (a dead
 * SSE stream must not pass through {@code SKIP}) unless {@code healthCheckTimeoutFallsThrough} restores the
 * reference's hand-over; a chain that runs out is unhealthy.
 */
final class HealthChecker<S> {

    private final SessionFactory<S> factory;
    private final List<HealthCheckMethod> chain;
    private final Duration timeout;
    private final boolean timeoutFallsThrough;
    private final SafeListener listener;
    private final PoolCounters counters;

    HealthChecker(PoolConfig config, SessionFactory<S> factory, SafeListener listener, PoolCounters counters) {
        this.factory = factory;
        this.chain = config.healthCheckMethods();
        this.timeout = config.healthCheckTimeout();
        this.timeoutFallsThrough = config.healthCheckTimeoutFallsThrough();
        this.listener = listener;
        this.counters = counters;
    }

    /** Runs the chain on a session taken for validation; completes with whether it is healthy, never fails. */
    CompletableFuture<Boolean> validate(PooledEntry<S> e) {
        return step(e, 0).thenApply(healthy -> {
            if (!healthy) {
                counters.healthCheckFailures.increment();
            }
            return healthy;
        });
    }

    private CompletableFuture<Boolean> step(PooledEntry<S> e, int index) {
        if (index >= chain.size()) {
            return CompletableFuture.completedFuture(false);
        }
        HealthCheckMethod method = chain.get(index);
        return run(e, method).thenCompose(outcome -> switch (outcome) {
            case PASSED -> CompletableFuture.completedFuture(true);
            case FAILED -> CompletableFuture.completedFuture(false);
            case UNSUPPORTED -> step(e, index + 1);
            case TIMED_OUT -> timeoutFallsThrough ? step(e, index + 1) : CompletableFuture.completedFuture(false);
        });
    }

    /** A keepalive ping on an idle session; a server without ping support counts as alive. */
    CompletableFuture<Boolean> keepalive(PooledEntry<S> e) {
        return run(e, HealthCheckMethod.PING).thenApply(outcome -> {
            boolean alive = outcome == HealthCheckOutcome.PASSED || outcome == HealthCheckOutcome.UNSUPPORTED;
            if (!alive) {
                counters.healthCheckFailures.increment();
            }
            return alive;
        });
    }

    private CompletableFuture<HealthCheckOutcome> run(PooledEntry<S> e, HealthCheckMethod method) {
        CompletableFuture<HealthCheckOutcome> outcome;
        try {
            outcome = factory.check(e.session, e.context, method, timeout);
        } catch (RuntimeException error) {
            outcome = CompletableFuture.completedFuture(HealthCheckOutcome.FAILED);
        }
        return outcome.exceptionally(error -> HealthCheckOutcome.FAILED).thenApply(result -> {
            listener.healthChecked(e.partition.key, method, result);
            return result;
        });
    }
}
