package dev.mcppool;

/**
 * A new session could not be opened: the server was unreachable, rejected the credentials, answered with an
 * error, was not an MCP server, or did not finish {@code initialize} within the creation timeout. The cause is the
 * SDK's exception. {@link #isCallerSpecific()} tells whether the failure belongs to this caller's credentials
 * (HTTP 401/403), in which case it does not count against the server's circuit breaker.
 */
public final class SessionCreationException extends McpPoolException {

    private static final long serialVersionUID = 1L;

    private final boolean callerSpecific;

    public SessionCreationException(String message, Throwable cause, boolean callerSpecific) {
        super(message, cause);
        this.callerSpecific = callerSpecific;
    }

    /** True when the server rejected this caller's credentials (HTTP 401 or 403). */
    public boolean isCallerSpecific() {
        return callerSpecific;
    }
}
