package dev.mcppool.cli;

import dev.mcppool.CircuitOpenException;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.SessionCreationException;
import dev.mcppool.Transport;

import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

/**
 * Turns the pool's and the SDK's exceptions into one line a person can act on: nothing listening, not an MCP
 * server, credentials rejected, a JSON-RPC error, a timeout. The SDK reports most of these as wrapped runtime
 * exceptions whose only trace of the HTTP status is their message, so this reads cause chains and messages.
 */
final class Diagnosis {

    /** How the SDK's transports put an HTTP status into their messages. */
    private static final Pattern STATUS = Pattern.compile(
            "(?:Status code:\\s*|non-OK HTTP code:\\s*|statusCode=|Failed to connect to SSE stream:\\s*)(\\d{3})");
    private static final Pattern MEDIA_TYPE = Pattern.compile("Unknown media type returned:\\s*([^;\\s]*)");
    private static final Pattern URL_QUERY = Pattern.compile("(?i)(\\bhttps?://[^\\s?#\"']*)[?#][^\\s\"']*");

    private Diagnosis() {
    }

    /**
     * Explains a failure to use {@code target}. For the legacy SSE transport, whose SDK client reports every failed
     * connect (refused, 401, 404, an HTML page) only as a timeout, this probes the endpoint once to tell which.
     */
    static CommandFailure explain(Throwable t, McpTarget target, Duration timeout) {
        if (t instanceof CommandFailure failure) {
            return failure;
        }
        if (target.transport() == Transport.STDIO) {
            return StdioDiagnosis.explain(t, target, timeout);
        }
        String url = target.displayUrl();
        if (t instanceof PoolExhaustedException || t instanceof PoolClosedException) {
            return new CommandFailure(redact(t.getMessage()), t);
        }
        if (t instanceof CircuitOpenException e) {
            return new CommandFailure("stopped trying " + url + " after repeated failures (circuit breaker open;"
                    + " next try in " + seconds(e.retryAfter()) + ")", t);
        }
        McpError error = find(t, McpError.class);
        if (error != null) {
            return new CommandFailure("the server at " + url + " answered with an error: " + jsonRpc(error), t);
        }
        Optional<String> http = httpProblem(t, target);
        if (http.isPresent()) {
            return new CommandFailure(http.get(), t);
        }
        // isCallerSpecific() also covers 4xx other than 401/403 (handled above by status), rejected headers and
        // cancellation: only the credentials case is diagnosed as such.
        if (t instanceof SessionCreationException s && s.isCallerSpecific()
                && String.valueOf(s.getMessage()).contains("rejected the credentials")) {
            return new CommandFailure(credentialsRejected(url, 0, target), t);
        }
        Optional<String> network = networkProblem(t, url, timeout);
        if (network.isPresent()) {
            return new CommandFailure(network.get(), t);
        }
        // The pool fails an SSE open as soon as the SDK's connect fails (it used to wait for the create timeout):
        // a stream that closed at once is explained by probing the endpoint, as a timeout is.
        boolean sseClosed = target.transport() == Transport.SSE && t instanceof SessionCreationException
                && String.valueOf(t.getMessage()).contains("SSE stream closed before any event");
        if (isTimeout(t) || sseClosed) {
            if (target.transport() == Transport.SSE && t instanceof SessionCreationException) {
                Optional<String> probed = EndpointProbe.explainSse(target, timeout);
                if (probed.isPresent()) {
                    return new CommandFailure(probed.get(), t);
                }
            }
            return new CommandFailure("the server at " + url + " did not answer within " + seconds(timeout)
                    + " (raise it with --timeout)", t);
        }
        return new CommandFailure("could not use the MCP server at " + url + ": " + redact(describeRoot(t)), t);
    }

    /** The message for an HTTP status that is not a success, or empty for one with nothing to add. */
    static Optional<String> forStatus(int status, McpTarget target) {
        String url = target.displayUrl();
        if (status == 401 || status == 403) {
            return Optional.of(credentialsRejected(url, status, target));
        }
        if (status == 404 || status == 405) {
            return Optional.of(url + " is not an MCP endpoint (HTTP " + status + (status == 404 ? " Not Found"
                    : " Method Not Allowed") + "); " + pathHint(target));
        }
        if (status >= 500) {
            return Optional.of("the server at " + url + " failed with HTTP " + status);
        }
        if (status >= 300) {
            return Optional.of("the server at " + url + " answered HTTP " + status + "; " + pathHint(target));
        }
        return Optional.empty();
    }

    /** Removes URL query strings and fragments from a message; they may carry tokens or session ids. */
    static String redact(String message) {
        return message == null ? "" : URL_QUERY.matcher(message).replaceAll("$1?<redacted>");
    }

    private static Optional<String> httpProblem(Throwable t, McpTarget target) {
        int status = httpStatus(t);
        if (status > 0) {
            return forStatus(status, target);
        }
        for (Throwable c = t; c != null; c = next(c)) {
            Matcher m = MEDIA_TYPE.matcher(String.valueOf(c.getMessage()));
            if (m.find()) {
                String type = m.group(1).isEmpty() ? "no content type" : m.group(1);
                return Optional.of(target.displayUrl() + " does not look like an MCP server: it answered the"
                        + " initialize request with " + type + ", not JSON-RPC; " + pathHint(target));
            }
        }
        return Optional.empty();
    }

    private static int httpStatus(Throwable t) {
        McpHttpClientTransportAuthorizationException auth =
                find(t, McpHttpClientTransportAuthorizationException.class);
        if (auth != null && auth.getResponseInfo() != null) {
            return auth.getResponseInfo().statusCode();
        }
        for (Throwable c = t; c != null; c = next(c)) {
            Matcher m = STATUS.matcher(String.valueOf(c.getMessage()));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    private static Optional<String> networkProblem(Throwable t, String url, Duration timeout) {
        if (find(t, HttpConnectTimeoutException.class) != null) {
            return Optional.of("could not connect to " + url + " within " + seconds(timeout));
        }
        // Before ConnectException: the JDK's HTTP client wraps an unknown host in one.
        if (find(t, UnresolvedAddressException.class) != null || find(t, UnknownHostException.class) != null) {
            return Optional.of("cannot resolve the host of " + url);
        }
        if (find(t, ConnectException.class) != null) {
            return Optional.of("nothing is listening at " + url + " (connection refused)");
        }
        SSLException tls = find(t, SSLException.class);
        if (tls != null) {
            return Optional.of("TLS with " + url + " failed: " + redact(tls.getMessage()));
        }
        return Optional.empty();
    }

    private static String credentialsRejected(String url, int status, McpTarget target) {
        String code = status == 401 ? "HTTP 401 Unauthorized" : status == 403 ? "HTTP 403 Forbidden" : "HTTP 401/403";
        String hint = target.headers().isEmpty() ? "; pass credentials with --header 'Authorization: Bearer <token>'"
                : "; check the --header values";
        return "the server at " + url + " rejected the credentials (" + code + ")" + hint;
    }

    private static String pathHint(McpTarget target) {
        return target.transport() == Transport.STREAMABLE_HTTP
                ? "Streamable HTTP endpoints usually end in /mcp (use --transport sse for a legacy /sse endpoint)"
                : "legacy SSE endpoints usually end in /sse (use --transport streamable for a /mcp endpoint)";
    }

    private static String jsonRpc(McpError error) {
        if (error.getJsonRpcError() == null) {
            return redact(error.getMessage());
        }
        return redact(error.getJsonRpcError().message()) + " (JSON-RPC " + error.getJsonRpcError().code() + ")";
    }

    static boolean isTimeout(Throwable t) {
        return find(t, TimeoutException.class) != null || find(t, HttpTimeoutException.class) != null;
    }

    private static String describeRoot(Throwable t) {
        Throwable root = t;
        for (Throwable c = t; c != null; c = next(c)) {
            root = c;
        }
        String message = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return message.isEmpty() ? root.getClass().getSimpleName() : message;
    }

    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
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
