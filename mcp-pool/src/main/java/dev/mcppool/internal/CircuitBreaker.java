package dev.mcppool.internal;

import dev.mcppool.BreakerState;
import dev.mcppool.PoolStats;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The circuit breaker of one server URL, counting consecutive session-creation failures by distinct attempts.
 *
 * <pre>
 * CLOSED    --threshold consecutive counted failures--> OPEN (for openDuration)
 * OPEN      --open time passed, next creation-->         HALF_OPEN (exactly one probe creation runs)
 * HALF_OPEN --probe succeeds-->                          CLOSED
 * HALF_OPEN --probe fails (server-side)-->               OPEN (previous open time x2, capped, +-10% jitter)
 * </pre>
 *
 * <p>Counting: failures that belong to one caller ({@link Failures#isCallerSpecific}: HTTP 4xx, a rejected header,
 * the caller giving up) are never counted. A server-side failure counts only if its attempt started after the
 * previous counted failure (each permit records its attempt's start as a position among all attempts): the creations that were in flight together when a server went away fail
 * together and count once, so a blip under many callers is one failure, not many. Failures of creations that
 * started before the breaker opened count nothing more.
 *
 * <p>Probe: each permission is a {@link Permit}; the half-open probe's permit is the only one whose outcome (or
 * abandonment, or caller-specific failure) ends the probe, so a creation that started before the trip and ends
 * later cannot let a second probe in. Any creation that succeeds closes the breaker: the server answered.
 *
 * <p>Thread-safe; the lock guards a few fields and is never held across I/O.
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
    /** The running probe's permit, or null. */
    private Permit probe;
    /** Permits granted so far: an attempt's position, which no clock resolution can make ambiguous. */
    private long attempts;
    /** {@link #attempts} when the last failure was counted; a failure counts only if its attempt started later. */
    private long attemptsAtLastCount;

    /** A permission to create a session; the half-open probe's permit is unique, to tell its outcome apart. */
    public static final class Permit {
        private final boolean isProbe;
        private final long attempt;

        private Permit(boolean isProbe, long attempt) {
            this.isProbe = isProbe;
            this.attempt = attempt;
        }

        public boolean isProbe() {
            return isProbe;
        }
    }

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
                case HALF_OPEN -> probe != null ? 1 : 0;
            };
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks to create a session now; in HALF_OPEN only one caller (the probe) gets a permit.
     *
     * @return the permit to report the creation's outcome with, or null if the breaker refuses
     */
    public Permit tryAcquire(long now) {
        BreakerState from;
        Permit permit;
        lock.lock();
        try {
            from = state;
            switch (state) {
                case CLOSED:
                    return new Permit(false, ++attempts);
                case OPEN:
                    if (now < openUntil) {
                        return null;
                    }
                    state = BreakerState.HALF_OPEN;
                    permit = probe = new Permit(true, ++attempts);
                    break;
                case HALF_OPEN:
                    if (probe != null) {
                        return null;
                    }
                    return probe = new Permit(true, ++attempts);
                default:
                    throw new IllegalStateException(state.name());
            }
        } finally {
            lock.unlock();
        }
        transitions.changed(from, BreakerState.HALF_OPEN);
        return permit;
    }

    /** A creation succeeded: the server answered, so the breaker closes, whichever creation it was. */
    public void onSuccess(Permit permit) {
        BreakerState from;
        lock.lock();
        try {
            from = state;
            consecutiveFailures = 0;
            probe = null;
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
     * A creation failed. A caller-specific failure counts nothing (if it was the probe, the next creation probes).
     * A server-side failure of the probe re-opens the breaker for longer; of an ordinary creation, it counts only
     * while closed and only if the attempt started after the previous counted failure.
     *
     * @return true if this failure opened the breaker
     */
    public boolean onFailure(Permit permit, long now, boolean callerSpecific) {
        BreakerState from;
        lock.lock();
        try {
            from = state;
            boolean isRunningProbe = permit != null && permit == probe;
            if (callerSpecific) {
                if (isRunningProbe) {
                    probe = null;
                }
                return false;
            }
            if (isRunningProbe && state == BreakerState.HALF_OPEN) {
                consecutiveFailures++;
                open(now, Math.min(maxOpenNanos, Math.max(baseOpenNanos, lastOpenNanos * 2)));
            } else if (state != BreakerState.CLOSED) {
                return false; // started before the trip: this outage is already counted
            } else if (permit.attempt <= attemptsAtLastCount) {
                return false; // in flight together with the last counted failure: the same outage
            } else {
                attemptsAtLastCount = attempts;
                if (++consecutiveFailures < threshold) {
                    return false;
                }
                open(now, baseOpenNanos);
            }
        } finally {
            lock.unlock();
        }
        transitions.changed(from, BreakerState.OPEN);
        return true;
    }

    /** A creation was abandoned (pool closing, a bug) without telling anything about the server. */
    public void onAbandoned(Permit permit) {
        lock.lock();
        try {
            if (permit != null && permit == probe) {
                probe = null;
            }
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
            return state == BreakerState.CLOSED && consecutiveFailures == 0 && probe == null;
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
        probe = null;
        state = BreakerState.OPEN;
    }
}
