package dev.mcppool.internal;

import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Classifies the SDK's exceptions, which arrive wrapped in Reactor and runtime exceptions. */
public final class Failures {

    /** The message of the SDK's exception for a call on a session the server has forgotten. */
    private static final String SESSION_TERMINATED = "MCP session with server terminated";

    /** The SDK's SSE transport when the server answers 404 to a message for a session id it does not know. */
    private static final String SSE_SESSION_UNKNOWN = "Sending message failed with a non-OK HTTP code: 404";

    private Failures() {
    }

    /**
     * The server no longer knows the session (HTTP 404 for the session id we sent). It rejected the request before
     * running it, so the call is safe to retry on a fresh session.
     */
    public static boolean isSessionNotFound(Throwable t) {
        for (Throwable c = t; c != null; c = next(c)) {
            if (c instanceof McpTransportSessionNotFoundException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && (m.startsWith(SESSION_TERMINATED) || m.startsWith(SSE_SESSION_UNKNOWN))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The HTTP status the SDK put in an exception message. Its forms (mcp-core 2.1.0): Streamable HTTP
     * {@code "Bad Request. Status code:400"}, {@code "Server Not Found. Status code:404"},
     * {@code "Received unexpected status code: 429"}, {@code "Unrecognized server error when connecting to SSE
     * stream, status code: 500"}; SSE {@code "Sending message failed with a non-OK HTTP code: 429 - ..."} and, for
     * the event stream's GET, {@code "Failed to connect to SSE stream: 401"}.
     */
    private static final Pattern STATUS = Pattern.compile(
            "(?:[Ss]tatus code: ?|statusCode=|non-OK HTTP code: ?|Failed to connect to SSE stream: ?)([1-5][0-9][0-9])\\b");

    /**
     * A creation failure that belongs to one caller and says nothing about the server's health, so it never
     * counts against the server's circuit breaker: any HTTP 4xx (401/403 credentials, 400 bad request, 404, 429
     * rate limited), an argument the HTTP stack rejected (an invalid header value: {@link IllegalArgumentException}),
     * or the caller giving up (cancellation, interrupt). Everything else says the server is unwell: connection
     * refused or reset, closed channels, timeouts, HTTP 5xx, an answer that is not MCP.
     */
    public static boolean isCallerSpecific(Throwable t) {
        return callerSide(t) != null;
    }

    /** Why a failure is caller-specific, for messages (no header values, no tokens), or null if it is not. */
    public static String callerSide(Throwable t) {
        int status = httpStatus(t);
        if (status >= 500) {
            return null;
        }
        if (find(t, McpHttpClientTransportAuthorizationException.class) != null || status == 401 || status == 403) {
            return "the server rejected the credentials (HTTP " + (status > 0 ? status : "401/403") + ")";
        }
        if (status >= 400) {
            return "the server refused this caller's request (HTTP " + status + ")";
        }
        if (find(t, IllegalArgumentException.class) != null) {
            return "the HTTP client rejected a request header or argument of this caller";
        }
        if (isInterrupt(t) || find(t, CancellationException.class) != null) {
            return "the caller gave up (interrupted or cancelled)";
        }
        return null;
    }

    /** The HTTP status of the failure (from the SDK's exception or its message), or 0 if none is known. */
    public static int httpStatus(Throwable t) {
        for (Throwable c = t; c != null; c = next(c)) {
            if (c instanceof McpHttpClientTransportAuthorizationException auth && auth.getResponseInfo() != null) {
                return auth.getResponseInfo().statusCode();
            }
            String m = c.getMessage();
            if (m != null) {
                Matcher matcher = STATUS.matcher(m);
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
        }
        return 0;
    }

    /** The server answered with a JSON-RPC error: the session itself is fine. */
    public static boolean isServerAnswer(Throwable t) {
        return find(t, McpError.class) != null;
    }

    /** The server does not implement the method (JSON-RPC -32601), or the client knows it lacks the capability. */
    public static boolean isMethodNotFound(Throwable t) {
        McpError error = find(t, McpError.class);
        if (error != null) {
            return error.getJsonRpcError() != null
                    && Integer.valueOf(McpSchema.ErrorCodes.METHOD_NOT_FOUND).equals(error.getJsonRpcError().code());
        }
        for (Throwable c = t; c != null; c = next(c)) {
            if (c instanceof IllegalStateException && c.getMessage() != null
                    && c.getMessage().startsWith("Server does not provide")) {
                return true;
            }
        }
        return false;
    }

    public static boolean isTimeout(Throwable t) {
        return find(t, TimeoutException.class) != null;
    }

    public static boolean isInterrupt(Throwable t) {
        return find(t, InterruptedException.class) != null;
    }

    /** A short description of the root cause for messages: its type and first line, at most 200 characters. */
    public static String describe(Throwable t) {
        StdioStartException stdio = find(t, StdioStartException.class);
        if (stdio != null) {
            return stdio.getMessage();
        }
        Throwable root = t;
        for (Throwable c = t; c != null; c = next(c)) {
            root = c;
        }
        String message = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        String type = root.getClass().getSimpleName();
        return message.isEmpty() ? type : type + ": " + message;
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = next(c)) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        Throwable cause = t.getCause();
        return cause == t ? null : cause;
    }
}
