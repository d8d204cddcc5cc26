package dev.mcppool.testing;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

/** Builds SDK clients against a {@link TestMcpServer} and closes them all at the end of a test. */
final class Clients implements AutoCloseable {

	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

	private final TestMcpServer server;

	private final List<McpSyncClient> opened = new ArrayList<>();

	Clients(TestMcpServer server) {
		this.server = server;
	}

	McpSyncClient open(TransportKind kind) {
		return open(kind, Map.of(), REQUEST_TIMEOUT);
	}

	McpSyncClient open(TransportKind kind, Map<String, String> headers) {
		return open(kind, headers, REQUEST_TIMEOUT);
	}

	McpSyncClient open(TransportKind kind, Map<String, String> headers, Duration timeout) {
		HttpRequest.Builder requests = HttpRequest.newBuilder();
		headers.forEach(requests::header);
		McpSyncClient client = McpClient.sync(transport(kind, requests))
			.clientInfo(McpSchema.Implementation.builder("mcp-pool-testing-test", "1.0").build())
			.requestTimeout(timeout)
			.initializationTimeout(timeout)
			.build();
		opened.add(client);
		return client;
	}

	@SuppressWarnings("deprecation") // the legacy SSE client is deprecated but must still be tested
	private McpClientTransport transport(TransportKind kind, HttpRequest.Builder requests) {
		return switch (kind) {
			case STREAMABLE -> HttpClientStreamableHttpTransport.builder(server.baseUrl())
				.endpoint("/mcp")
				.requestBuilder(requests)
				.build();
			case SSE -> HttpClientSseClientTransport.builder(server.sseUri().toString())
				.sseEndpoint("/sse")
				.requestBuilder(requests)
				.build();
		};
	}

	static String text(McpSchema.CallToolResult result) {
		return ((McpSchema.TextContent) result.content().get(0)).text();
	}

	static McpSchema.CallToolRequest call(String tool) {
		return McpSchema.CallToolRequest.builder(tool).arguments(Map.of()).build();
	}

	static McpSchema.CallToolRequest call(String tool, String argument, Object value) {
		return McpSchema.CallToolRequest.builder(tool).arguments(Map.of(argument, value)).build();
	}

	@Override
	public void close() {
		opened.forEach(McpSyncClient::close);
	}

}
