package dev.mcppool;

import java.time.Duration;

/**
 * Receives the pool's events, for metrics, tracing or logs. Every method has a no-op default, so implement only
 * what you need.
 *
 * <p>Implementations must be <strong>fast, never block and never throw</strong>: events are delivered on the
 * threads that cause them, including the caller's acquire path. A listener that throws anyway does not break the
 * pool: the exception is caught and logged once per listener method.
 *
 * <p>Keys carry hashes only; server URLs passed here have no user-info or query string.
 */
public interface PoolListener {

    /** A listener that ignores every event. */
    PoolListener NOOP = new PoolListener() {
    };

    /** A new session was opened and initialized. */
    default void sessionCreated(PoolKey key, Duration duration) {
    }

    /** Opening a session failed after this long. */
    default void sessionCreationFailed(PoolKey key, Duration duration, Throwable error) {
    }

    /** A lease was handed out: from an idle session ({@code hit}) or a new one, after waiting this long. */
    default void acquired(PoolKey key, boolean hit, Duration wait) {
    }

    /** A lease was closed and its session went back to the pool (or to a waiting caller). */
    default void released(PoolKey key) {
    }

    /** A session was closed for this reason. */
    default void discarded(PoolKey key, DiscardReason reason) {
    }

    /** One step of the health-check chain ran. */
    default void healthChecked(PoolKey key, HealthCheckMethod method, HealthCheckOutcome outcome) {
    }

    /** The circuit breaker of a server URL changed state. */
    default void breakerStateChanged(String url, BreakerState from, BreakerState to) {
    }

    /** An idle key was removed. */
    default void keyEvicted(PoolKey key) {
    }

    /** An acquire gave up after waiting this long. */
    default void acquireTimedOut(PoolKey key, Duration waited) {
    }

    /** A call failed because the server had forgotten the session, and was retried on a fresh session. */
    default void retriedAfterStaleSession(PoolKey key) {
    }

    /** The pool finished closing; no event follows. Metrics bindings remove their meters here. */
    default void poolClosed(String poolName) {
    }

    /** A listener that forwards every event to each of these, in order. */
    static PoolListener all(PoolListener... listeners) {
        return new CompositeListener(java.util.List.of(listeners));
    }
}
