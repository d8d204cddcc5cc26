package dev.mcppool;

/**
 * A new session could not be opened: the server was unreachable, rejected the credentials, answered with an
 * error, was not an MCP server, or did not finish {@code initialize} within the creation timeout. The cause is the
 * SDK's exception. {@link #isCallerSpecific()} tells whether the failure belongs to this caller rather than to the
 * server's health (any HTTP 4xx, including 401/403 and 429; a request header the HTTP client rejected; the caller
 * cancelling or being interrupted), in which case it does not count against the server's circuit breaker.
 */
public final class SessionCreationException extends McpPoolException {

    private static final long serialVersionUID = 1L;

    private final boolean callerSpecific;

    public SessionCreationException(String message, Throwable cause, boolean callerSpecific) {
        super(message, cause);
        this.callerSpecific = callerSpecific;
    }

    /**
     * True when the failure belongs to this caller: the server answered HTTP 4xx (401/403 credentials, 400, 404,
     * 429, ...), the HTTP client rejected one of its request headers, or the caller gave up. False when it says the
     * server is unwell (refused or reset connections, timeouts, HTTP 5xx, an answer that is not MCP).
     */
    public boolean isCallerSpecific() {
        return callerSpecific;
    }
}
