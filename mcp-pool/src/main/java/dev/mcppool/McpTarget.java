package dev.mcppool;

import dev.mcppool.internal.HeaderRules;
import dev.mcppool.internal.Urls;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An MCP server the pool opens sessions to: its endpoint URL, the transport, and static headers sent on every
 * request to it (for example a gateway's own API key for that server). Immutable and thread-safe; build one per
 * server and reuse it.
 *
 * <p>The URL is the endpoint itself: {@code http://host:8080/mcp} for Streamable HTTP, {@code http://host:8080/sse}
 * for SSE. A URL with an empty path uses the SDK's default endpoint ({@code /mcp} or {@code /sse}). URLs with
 * user-info ({@code http://user:secret@host}) are rejected: credentials belong in headers, where they are hashed
 * into the key and never logged.
 *
 * <p>A stdio target ({@link #stdio}) is a local server process instead of a URL; see {@link StdioCommand}.
 */
public final class McpTarget {

    private final URI uri;
    private final Transport transport;
    private final Map<String, String> headers;
    private final StdioCommand stdio;

    private McpTarget(URI uri, Transport transport, Map<String, String> headers, StdioCommand stdio) {
        this.uri = uri;
        this.transport = transport;
        this.headers = headers;
        this.stdio = stdio;
    }

    /** A Streamable HTTP server at this endpoint URL. */
    public static McpTarget streamableHttp(String url) {
        return of(url, Transport.STREAMABLE_HTTP);
    }

    /** A legacy HTTP+SSE server whose event stream is at this URL. */
    public static McpTarget sse(String url) {
        return of(url, Transport.SSE);
    }

    /** A server at this endpoint URL over the given transport. */
    public static McpTarget of(String url, Transport transport) {
        if (transport == null || transport == Transport.STDIO) {
            throw new IllegalArgumentException("transport must be STREAMABLE_HTTP or SSE for a URL, but was "
                    + transport + (transport == Transport.STDIO ? "; use McpTarget.stdio(...)" : ""));
        }
        return new McpTarget(Urls.parse(url), transport, Map.of(), null);
    }

    /** A local stdio server process started with this command and arguments. */
    public static McpTarget stdio(String command, String... args) {
        return stdio(new StdioCommand(command, args == null ? null : java.util.Arrays.asList(args), Map.of(), null));
    }

    /** A local stdio server process. */
    public static McpTarget stdio(StdioCommand command) {
        if (command == null) {
            throw new IllegalArgumentException("stdio command must not be null");
        }
        return new McpTarget(null, Transport.STDIO, Map.of(), command);
    }

    /** A copy of this target that also sends this header on every request. */
    public McpTarget withHeader(String name, String value) {
        Map<String, String> merged = new LinkedHashMap<>(headers);
        merged.put(name, value);
        return withHeaders(merged);
    }

    /** A copy of this target whose static headers are exactly these. */
    public McpTarget withHeaders(Map<String, String> headers) {
        if (stdio != null) {
            throw new IllegalArgumentException("a stdio target has no HTTP headers; use StdioCommand's environment");
        }
        return new McpTarget(uri, transport, HeaderRules.validated(headers, "target header"), null);
    }

    /**
     * The endpoint URL.
     *
     * @throws IllegalStateException for a stdio target
     */
    public URI uri() {
        if (uri == null) {
            throw new IllegalStateException("a stdio target has no URL");
        }
        return uri;
    }

    /** The server process, for a stdio target. */
    public java.util.Optional<StdioCommand> stdio() {
        return java.util.Optional.ofNullable(stdio);
    }

    public Transport transport() {
        return transport;
    }

    /** Static headers, unmodifiable, in the order given. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The URL in a form safe for logs (no user-info, query or fragment), or {@code stdio:<command name>}. */
    public String displayUrl() {
        return stdio != null ? "stdio:" + stdio.displayName() : Urls.redact(uri);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof McpTarget t && Objects.equals(uri, t.uri) && transport == t.transport
                && headers.equals(t.headers) && Objects.equals(stdio, t.stdio);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, transport, headers, stdio);
    }

    /** Shows the redacted URL, the transport and header names; never header values. */
    @Override
    public String toString() {
        return "McpTarget[" + transport + " " + displayUrl() + ", headers=" + headers.keySet() + "]";
    }
}
