package dev.mcppool.benchmarks.harness;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpTarget;
import dev.mcppool.Transport;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/**
 * Sessions opened with the SDK alone, as a caller without a pool opens them: a client with its own HTTP client,
 * the caller's headers on every request, {@code initialize}, and {@code closeGracefully} at the end.
 */
final class Clients {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final CallToolRequest ECHO = CallToolRequest.builder("echo").arguments(Map.of("text", "hello")).build();
    private static final McpSchema.Implementation INFO =
            McpSchema.Implementation.builder("mcp-pool-benchmarks", "1").build();

    private Clients() {
    }

    /** The pool's target for this transport on the server at {@code baseUrl}. */
    static McpTarget target(String baseUrl, Transport transport) {
        return transport == Transport.SSE ? McpTarget.sse(baseUrl + "/sse") : McpTarget.streamableHttp(baseUrl + "/mcp");
    }

    static Transport transport(String name) {
        return switch (name) {
            case "streamable", "STREAMABLE_HTTP" -> Transport.STREAMABLE_HTTP;
            case "sse", "SSE" -> Transport.SSE;
            default -> throw new IllegalArgumentException("transport must be streamable or sse, but was " + name);
        };
    }

    /** An initialized SDK client with this caller's headers. */
    static McpSyncClient open(String baseUrl, Transport transport, CallerIdentity identity) {
        McpSyncClient client = McpClient.sync(sdkTransport(baseUrl, transport, identity))
                .requestTimeout(TIMEOUT)
                .initializationTimeout(TIMEOUT)
                .clientInfo(INFO)
                .build();
        try {
            client.initialize();
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** New session per call: build, initialize, call, close gracefully. */
    static CallToolResult callOnce(String baseUrl, Transport transport, CallerIdentity identity) {
        McpSyncClient client = open(baseUrl, transport, identity);
        try {
            return checked(client.callTool(ECHO));
        } finally {
            close(client);
        }
    }

    static CallToolResult checked(CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException("tool call answered with an error: " + result.content());
        }
        return result;
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
    private static McpClientTransport sdkTransport(String baseUrl, Transport transport, CallerIdentity identity) {
        HttpRequest.Builder template = HttpRequest.newBuilder();
        identity.headers().forEach(template::setHeader);
        return switch (transport) {
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(baseUrl)
                    .endpoint("/mcp")
                    .requestBuilder(template)
                    .connectTimeout(TIMEOUT)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(baseUrl)
                    .sseEndpoint("/sse")
                    .requestBuilder(template)
                    .connectTimeout(TIMEOUT)
                    .build();
            case STDIO -> throw new IllegalArgumentException("these benchmarks measure HTTP transports only");
        };
    }
}
