package dev.mcppool;

import dev.mcppool.internal.SafeListener;

import java.time.Duration;
import java.util.List;

/**
 * Forwards each event to several listeners; see {@link PoolListener#all}. Each listener is isolated: one that throws
 * does not keep the event from the others.
 */
final class CompositeListener implements PoolListener {

    private final List<PoolListener> listeners;

    CompositeListener(List<PoolListener> listeners) {
        this.listeners = listeners.stream().<PoolListener>map(SafeListener::new).toList();
    }

    @Override
    public void sessionCreated(PoolKey key, Duration duration) {
        listeners.forEach(l -> l.sessionCreated(key, duration));
    }

    @Override
    public void sessionCreationFailed(PoolKey key, Duration duration, Throwable error) {
        listeners.forEach(l -> l.sessionCreationFailed(key, duration, error));
    }

    @Override
    public void acquired(PoolKey key, boolean hit, Duration wait) {
        listeners.forEach(l -> l.acquired(key, hit, wait));
    }

    @Override
    public void released(PoolKey key) {
        listeners.forEach(l -> l.released(key));
    }

    @Override
    public void discarded(PoolKey key, DiscardReason reason) {
        listeners.forEach(l -> l.discarded(key, reason));
    }

    @Override
    public void healthChecked(PoolKey key, HealthCheckMethod method, HealthCheckOutcome outcome) {
        listeners.forEach(l -> l.healthChecked(key, method, outcome));
    }

    @Override
    public void breakerStateChanged(String url, BreakerState from, BreakerState to) {
        listeners.forEach(l -> l.breakerStateChanged(url, from, to));
    }

    @Override
    public void keyEvicted(PoolKey key) {
        listeners.forEach(l -> l.keyEvicted(key));
    }

    @Override
    public void acquireTimedOut(PoolKey key, Duration waited) {
        listeners.forEach(l -> l.acquireTimedOut(key, waited));
    }

    @Override
    public void retriedAfterStaleSession(PoolKey key) {
        listeners.forEach(l -> l.retriedAfterStaleSession(key));
    }

    @Override
    public void poolClosed(String poolName) {
        listeners.forEach(l -> l.poolClosed(poolName));
    }
}
