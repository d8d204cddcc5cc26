package dev.mcppool.testing;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * One generation of MCP server state: the SDK's two servlet transports, an MCP server on each, and
 * the sessions they hold. Forgetting all sessions or restarting replaces the whole backend, so that
 * old session ids meet the SDK's own "session not found" handling.
 */
final class McpBackend implements AutoCloseable {

	private static final McpSchema.ServerCapabilities TOOLS_ONLY = McpSchema.ServerCapabilities.builder()
		.tools(false)
		.build();

	private final SessionRegistry sessions = new SessionRegistry();

	private final SseStreams sseStreams = new SseStreams();

	private final CountDownLatch shutdown = new CountDownLatch(1);

	private final HttpServletStreamableServerTransportProvider streamable;

	@SuppressWarnings("deprecation") // the legacy SSE transport is deprecated, yet older servers still speak it
	private final HttpServletSseServerTransportProvider sse;

	private final McpSyncServer streamableServer;

	private final McpSyncServer sseServer;

	@SuppressWarnings("deprecation")
	McpBackend() {
		McpTransportContextExtractor<HttpServletRequest> context = request -> McpTransportContext
			.create(Map.of(TestTools.REQUEST, HarnessFilter.recorded(request)));
		// No keep-alive pings: no traffic the test did not ask for. No idle sweep: sessions end only
		// when a test ends them, and the sweeper runs on a non-daemon thread that the SDK never
		// stops, which would keep the JVM alive.
		streamable = HttpServletStreamableServerTransportProvider.builder()
			.mcpEndpoint("/mcp")
			.contextExtractor(context)
			.keepAliveInterval(null)
			.sessionSweepInterval(null)
			.build();
		sse = HttpServletSseServerTransportProvider.builder()
			.sseEndpoint("/sse")
			.messageEndpoint("/message")
			.contextExtractor(context)
			.build();
		TestTools tools = new TestTools(sessions, shutdown);
		// Tools run on the request's own servlet thread (bounded by the server's maxThreads), not on Reactor's
		// JVM-wide boundedElastic scheduler: that one has 10 threads per core, is shared with the clients under
		// test in this JVM, and would make a few hundred concurrent sleep calls queue behind each other.
		streamableServer = McpServer.sync(streamable)
			.serverInfo("mcp-test-server", "1.0")
			.capabilities(TOOLS_ONLY)
			.tools(tools.specifications())
			.immediateExecution(true)
			.build();
		sseServer = McpServer.sync(sse)
			.serverInfo("mcp-test-server", "1.0")
			.capabilities(TOOLS_ONLY)
			.tools(tools.specifications())
			.immediateExecution(true)
			.build();
	}

	int liveSessions(TransportKind kind) {
		return switch (kind) {
			case STREAMABLE -> sessions.liveStreamable();
			case SSE -> sseStreams.count();
		};
	}

	/** Finds SSE streams whose client has gone; see {@link SseStreams}. */
	void probeSseStreams() {
		sseStreams.probe();
	}

	void service(TransportKind kind, HttpServletRequest request, HttpServletResponse response)
			throws ServletException, IOException {
		RecordedRequest recorded = HarnessFilter.recorded(request);
		switch (kind) {
			case STREAMABLE -> serveStreamable(recorded, request, response);
			case SSE -> serveSse(recorded, request, response);
		}
	}

	private void serveStreamable(RecordedRequest recorded, HttpServletRequest request, HttpServletResponse response)
			throws ServletException, IOException {
		if (recorded.isJsonRpc("initialize")) {
			streamable.service(request,
					new SessionIdListener(response, id -> sessions.streamableOpened(id, recorded.headers())));
			return;
		}
		streamable.service(request, response);
		if ("DELETE".equals(recorded.method()) && response.getStatus() == HttpServletResponse.SC_OK) {
			sessions.streamableDeleted(recorded.sessionId());
		}
	}

	@SuppressWarnings("deprecation")
	private void serveSse(RecordedRequest recorded, HttpServletRequest request, HttpServletResponse response)
			throws ServletException, IOException {
		if (recorded.isJsonRpc("initialize") && recorded.sessionId() != null) {
			sessions.sseInitializing(recorded.sessionId(), recorded.headers());
		}
		sse.service(request, response);
		if ("GET".equals(recorded.method()) && request.isAsyncStarted()) {
			sseStreams.opened(request.getAsyncContext(), response.getWriter());
		}
	}

	/** Ends every session, closing their streams, and wakes sleeping tool calls. */
	@Override
	public void close() {
		shutdown.countDown();
		streamableServer.closeGracefully();
		sseServer.closeGracefully();
	}

	/**
	 * Learns the id of a new Streamable HTTP session as the SDK sets the header, which is before the
	 * answer can reach the client, so the session is known before the client can use it.
	 */
	private static final class SessionIdListener extends HttpServletResponseWrapper {

		private final Consumer<String> onSessionId;

		SessionIdListener(HttpServletResponse response, Consumer<String> onSessionId) {
			super(response);
			this.onSessionId = onSessionId;
		}

		@Override
		public void setHeader(String name, String value) {
			if ("Mcp-Session-Id".equalsIgnoreCase(name)) {
				onSessionId.accept(value);
			}
			super.setHeader(name, value);
		}

	}

}
