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
 */
public final class McpTarget {

    private final URI uri;
    private final Transport transport;
    private final Map<String, String> headers;

    private McpTarget(URI uri, Transport transport, Map<String, String> headers) {
        this.uri = uri;
        this.transport = transport;
        this.headers = headers;
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
        if (transport == null) {
            throw new IllegalArgumentException("transport must not be null (one of STREAMABLE_HTTP, SSE)");
        }
        return new McpTarget(Urls.parse(url), transport, Map.of());
    }

    /** A copy of this target that also sends this header on every request. */
    public McpTarget withHeader(String name, String value) {
        Map<String, String> merged = new LinkedHashMap<>(headers);
        merged.put(name, value);
        return withHeaders(merged);
    }

    /** A copy of this target whose static headers are exactly these. */
    public McpTarget withHeaders(Map<String, String> headers) {
        return new McpTarget(uri, transport, HeaderRules.validated(headers, "target header"));
    }

    /** The endpoint URL. */
    public URI uri() {
        return uri;
    }

    public Transport transport() {
        return transport;
    }

    /** Static headers, unmodifiable, in the order given. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The URL in a form safe for logs: no user-info, query or fragment. */
    public String displayUrl() {
        return Urls.redact(uri);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof McpTarget t && uri.equals(t.uri) && transport == t.transport && headers.equals(t.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, transport, headers);
    }

    /** Shows the redacted URL, the transport and header names; never header values. */
    @Override
    public String toString() {
        return "McpTarget[" + transport + " " + displayUrl() + ", headers=" + headers.keySet() + "]";
    }
}
