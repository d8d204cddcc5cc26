package dev.mcppool.cli;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpTarget;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * MCP sessions opened with the SDK alone, the way a caller without a pool does it: a new client, its own HTTP
 * client, {@code initialize}, the call, {@code closeGracefully}. The bench's baselines use it, so they measure the
 * SDK rather than this library. Thread-safe: holds only immutable settings.
 */
final class DirectSessions {

    private static final McpSchema.Implementation CLIENT_INFO =
            McpSchema.Implementation.builder("mcp-pool-bench", McpPoolCommand.version()).build();

    private final McpTarget target;
    private final Duration timeout;

    DirectSessions(McpTarget target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    /** One call on a session of its own, opened and closed around it. */
    CallToolResult callOnce(CallerIdentity identity, CallToolRequest request) {
        McpSyncClient client = open(identity);
        try {
            return client.callTool(request);
        } finally {
            close(client);
        }
    }

    /** An initialized session for this caller; the caller closes it with {@link #close}. */
    McpSyncClient open(CallerIdentity identity) {
        McpSyncClient client = McpClient.sync(transport(identity))
                .requestTimeout(timeout)
                .initializationTimeout(timeout)
                .clientInfo(CLIENT_INFO)
                .build();
        try {
            client.initialize();
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    static void close(McpSyncClient client) {
        try {
            if (!client.closeGracefully()) {
                client.close();
            }
        } catch (RuntimeException e) {
            client.close();
        }
    }

    @SuppressWarnings("deprecation") // the SSE client transport is deprecated, and still what SSE servers need
    private McpClientTransport transport(CallerIdentity identity) {
        HttpRequest.Builder template = HttpRequest.newBuilder();
        target.headers().forEach(template::setHeader);
        identity.headers().forEach(template::setHeader);
        URI uri = target.uri();
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        return switch (target.transport()) {
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(base)
                    .endpoint(endpoint(uri, "/mcp"))
                    .requestBuilder(template)
                    .connectTimeout(timeout)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(base)
                    .sseEndpoint(endpoint(uri, "/sse"))
                    .requestBuilder(template)
                    .connectTimeout(timeout)
                    .build();
        };
    }

    /** Path and query of the URL, or the transport's usual path when the URL has none (as the pool does). */
    private static String endpoint(URI uri, String fallback) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            path = fallback;
        }
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
