package dev.mcppool.internal;

import dev.mcppool.BreakerState;
import dev.mcppool.DiscardReason;
import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolListener;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the user's listener; a listener that throws is logged once per event type and ignored. */
public final class SafeListener implements PoolListener {

    private static final Logger log = LoggerFactory.getLogger(SafeListener.class);

    private final PoolListener delegate;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    public SafeListener(PoolListener delegate) {
        this.delegate = delegate;
    }

    private void failed(String event, Throwable t) {
        if (reported.add(event)) {
            log.warn("Pool listener {} threw {} from {}; the pool ignores it (logged once per event)",
                    delegate.getClass().getName(), t.getClass().getName(), event, t);
        }
    }

    @Override
    public void sessionCreated(PoolKey key, Duration duration) {
        try {
            delegate.sessionCreated(key, duration);
        } catch (Throwable t) {
            failed("sessionCreated", t);
        }
    }

    @Override
    public void sessionCreationFailed(PoolKey key, Duration duration, Throwable error) {
        try {
            delegate.sessionCreationFailed(key, duration, error);
        } catch (Throwable t) {
            failed("sessionCreationFailed", t);
        }
    }

    @Override
    public void acquired(PoolKey key, boolean hit, Duration wait) {
        try {
            delegate.acquired(key, hit, wait);
        } catch (Throwable t) {
            failed("acquired", t);
        }
    }

    @Override
    public void released(PoolKey key) {
        try {
            delegate.released(key);
        } catch (Throwable t) {
            failed("released", t);
        }
    }

    @Override
    public void discarded(PoolKey key, DiscardReason reason) {
        try {
            delegate.discarded(key, reason);
        } catch (Throwable t) {
            failed("discarded", t);
        }
    }

    @Override
    public void healthChecked(PoolKey key, HealthCheckMethod method, HealthCheckOutcome outcome) {
        try {
            delegate.healthChecked(key, method, outcome);
        } catch (Throwable t) {
            failed("healthChecked", t);
        }
    }

    @Override
    public void breakerStateChanged(String url, BreakerState from, BreakerState to) {
        try {
            delegate.breakerStateChanged(url, from, to);
        } catch (Throwable t) {
            failed("breakerStateChanged", t);
        }
    }

    @Override
    public void keyEvicted(PoolKey key) {
        try {
            delegate.keyEvicted(key);
        } catch (Throwable t) {
            failed("keyEvicted", t);
        }
    }

    @Override
    public void acquireTimedOut(PoolKey key, Duration waited) {
        try {
            delegate.acquireTimedOut(key, waited);
        } catch (Throwable t) {
            failed("acquireTimedOut", t);
        }
    }

    @Override
    public void retriedAfterStaleSession(PoolKey key) {
        try {
            delegate.retriedAfterStaleSession(key);
        } catch (Throwable t) {
            failed("retriedAfterStaleSession", t);
        }
    }

    @Override
    public void poolClosed(String poolName) {
        try {
            delegate.poolClosed(poolName);
        } catch (Throwable t) {
            failed("poolClosed", t);
        }
    }
}
