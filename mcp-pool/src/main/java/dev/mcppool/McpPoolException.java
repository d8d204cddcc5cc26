package dev.mcppool;

/**
 * Base of the exceptions the pool throws for conditions a caller may want to handle. Each subtype is a failure
 * that calls for a different reaction: wait and retry later ({@link PoolExhaustedException}), back off from a failing
 * server ({@link CircuitOpenException}), report a server or credential problem ({@link SessionCreationException}),
 * or stop using a pool that is shutting down ({@link PoolClosedException}).
 *
 * <p>Messages never contain header values, tokens or URL query strings.
 */
public abstract class McpPoolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected McpPoolException(String message) {
        super(message);
    }

    protected McpPoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
