package dev.mcppool;

/** Result of one step of the health-check chain. */
public enum HealthCheckOutcome {
    /** The step succeeded: the session is healthy. */
    PASSED,
    /** The server does not support the method (METHOD_NOT_FOUND): the chain moves on. */
    UNSUPPORTED,
    /** No answer within the health-check timeout: the chain moves on. */
    TIMED_OUT,
    /** Any other error: the session is discarded. */
    FAILED
}
