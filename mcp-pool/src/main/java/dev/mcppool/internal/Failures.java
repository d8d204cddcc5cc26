package dev.mcppool.internal;

import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;

import java.util.concurrent.TimeoutException;

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

    /** The server rejected the caller's credentials (HTTP 401 or 403): the caller's problem, not the server's. */
    public static boolean isCallerSpecific(Throwable t) {
        for (Throwable c = t; c != null; c = next(c)) {
            if (c instanceof McpHttpClientTransportAuthorizationException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && (m.contains("Status code: 401") || m.contains("Status code: 403")
                    || m.contains("statusCode=401") || m.contains("statusCode=403"))) {
                return true;
            }
        }
        return false;
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
