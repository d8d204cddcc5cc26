package dev.mcppool;

import java.time.Duration;

/**
 * The circuit breaker for a server URL is open after repeated failures to create sessions there: the acquire fails
 * at once instead of waiting for another connection failure. {@link #retryAfter()} tells how long until the breaker
 * lets a probe through.
 */
public final class CircuitOpenException extends McpPoolException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public CircuitOpenException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** Time until the breaker allows a probe; zero when a probe is already in flight. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
