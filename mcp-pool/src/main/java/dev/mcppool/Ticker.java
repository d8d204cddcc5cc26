package dev.mcppool;

/**
 * A source of monotonic nanoseconds, as {@link System#nanoTime()}. Every time-based decision of the pool (TTL,
 * idle time, health-check interval, key eviction, breaker timing) reads it, so tests can drive time by hand.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** Returns the current value of this ticker in nanoseconds; only differences between values are meaningful. */
    long nanoTime();

    /** The system ticker, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
