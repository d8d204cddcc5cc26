package dev.mcppool;

/**
 * State of the circuit breaker of one server URL. Legal transitions: {@code CLOSED -> OPEN} after the failure
 * threshold; {@code OPEN -> HALF_OPEN} once the open time has passed (one probe creation is let through);
 * {@code HALF_OPEN -> CLOSED} when the probe succeeds; {@code HALF_OPEN -> OPEN} when it fails, with a doubled open
 * time (capped, jittered).
 */
public enum BreakerState {
    CLOSED,
    OPEN,
    HALF_OPEN
}
