package dev.mcppool.internal;

import dev.mcppool.BreakerState;
import dev.mcppool.PoolStats;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The circuit breaker of one server URL, counting consecutive session-creation failures.
 *
 * <pre>
 * CLOSED    --threshold consecutive failures-->  OPEN (for openDuration)
 * OPEN      --open time passed, next creation--> HALF_OPEN (exactly one probe creation runs)
 * HALF_OPEN --probe succeeds-->                  CLOSED
 * HALF_OPEN --probe fails-->                     OPEN (previous open time x2, capped, +-10% jitter)
 * </pre>
 *
 * Failures that belong to one caller ({@link Failures#isCallerSpecific}: HTTP 4xx, a rejected header, the caller giving up) are not counted. Thread-safe; the lock guards a few fields
 * and is never held across I/O.
 */
public final class CircuitBreaker {

    /** Receives state changes; called outside the lock. */
    public interface Transitions {
        void changed(BreakerState from, BreakerState to);
    }

    private final int threshold;
    private final long baseOpenNanos;
    private final long maxOpenNanos;
    private final Transitions transitions;
    private final ReentrantLock lock = new ReentrantLock();

    /** Written under the lock; volatile so the common case, CLOSED, is read without it on every acquire. */
    private volatile BreakerState state = BreakerState.CLOSED;
    private int consecutiveFailures;
    private long openUntil;
    private long lastOpenNanos;
    private boolean probeInFlight;

    public CircuitBreaker(int threshold, Duration openDuration, Duration maxOpenDuration, Transitions transitions) {
        this.threshold = threshold;
        this.baseOpenNanos = openDuration.toNanos();
        this.maxOpenNanos = maxOpenDuration.toNanos();
        this.transitions = transitions;
    }

    /**
     * Time left until a probe may run, or zero if acquires may proceed. Does not change state: a caller that finds
     * idle sessions never consumes the half-open probe.
     */
    public long blockedForNanos(long now) {
        if (state == BreakerState.CLOSED) {
            return 0;
        }
        lock.lock();
        try {
            return switch (state) {
                case CLOSED -> 0;
                case OPEN -> Math.max(0, openUntil - now);
                case HALF_OPEN -> probeInFlight ? 1 : 0;
            };
        } finally {
            lock.unlock();
        }
    }

    /** Asks to create a session now; in HALF_OPEN only one caller (the probe) gets a yes. */
    public boolean tryAcquirePermission(long now) {
        BreakerState from;
        lock.lock();
        try {
            from = state;
            switch (state) {
                case CLOSED:
                    return true;
                case OPEN:
                    if (now < openUntil) {
                        return false;
                    }
                    state = BreakerState.HALF_OPEN;
                    probeInFlight = true;
                    break;
                case HALF_OPEN:
                    if (probeInFlight) {
                        return false;
                    }
                    probeInFlight = true;
                    return true;
                default:
                    throw new IllegalStateException(state.name());
            }
        } finally {
            lock.unlock();
        }
        transitions.changed(from, BreakerState.HALF_OPEN);
        return true;
    }

    /** A creation succeeded. */
    public void onSuccess() {
        BreakerState from;
        lock.lock();
        try {
            from = state;
            consecutiveFailures = 0;
            probeInFlight = false;
            lastOpenNanos = 0;
            state = BreakerState.CLOSED;
        } finally {
            lock.unlock();
        }
        if (from != BreakerState.CLOSED) {
            transitions.changed(from, BreakerState.CLOSED);
        }
    }

    /**
     * A creation failed. A caller-specific failure (401/403) releases a probe slot but counts nothing.
     *
     * @return true if this failure opened the breaker
     */
    public boolean onFailure(long now, boolean callerSpecific) {
        BreakerState from;
        lock.lock();
        try {
            from = state;
            if (callerSpecific) {
                probeInFlight = false;
                return false;
            }
            consecutiveFailures++;
            if (state == BreakerState.HALF_OPEN) {
                open(now, Math.min(maxOpenNanos, Math.max(baseOpenNanos, lastOpenNanos * 2)));
            } else if (state == BreakerState.CLOSED && consecutiveFailures >= threshold) {
                open(now, baseOpenNanos);
            } else {
                return false;
            }
        } finally {
            lock.unlock();
        }
        transitions.changed(from, BreakerState.OPEN);
        return true;
    }

    /** A creation was abandoned (interrupted, pool closing) without telling anything about the server. */
    public void onAbandoned() {
        lock.lock();
        try {
            probeInFlight = false;
        } finally {
            lock.unlock();
        }
    }

    public PoolStats.BreakerStats snapshot(long now) {
        lock.lock();
        try {
            long left = state == BreakerState.OPEN ? Math.max(0, openUntil - now) : 0;
            return new PoolStats.BreakerStats(state, consecutiveFailures, Duration.ofNanos(left));
        } finally {
            lock.unlock();
        }
    }

    /** Closed, with no failure counted and no probe running: it remembers nothing worth keeping. */
    boolean isPristine() {
        lock.lock();
        try {
            return state == BreakerState.CLOSED && consecutiveFailures == 0 && !probeInFlight;
        } finally {
            lock.unlock();
        }
    }

    public BreakerState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    private void open(long now, long nanos) {
        long jittered = state == BreakerState.HALF_OPEN
                ? (long) (nanos * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble()))
                : nanos;
        lastOpenNanos = nanos;
        openUntil = now + Math.min(maxOpenNanos, jittered);
        probeInFlight = false;
        state = BreakerState.OPEN;
    }
}
