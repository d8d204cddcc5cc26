package dev.mcppool.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * The tools that a {@link TestMcpServer} offers on both transports: {@code echo}, {@code whoami},
 * {@code counter} and {@code sleep}.
 */
final class TestTools {

	/** The key under which the transport context carries the {@link RecordedRequest} of the call. */
	static final String REQUEST = "request";

	private final SessionRegistry sessions;

	private final CountDownLatch shutdown;

	/**
	 * @param sessions where per-session state lives
	 * @param shutdown opened when the backend closes, so that sleeping calls end instead of holding
	 *        the server's threads
	 */
	TestTools(SessionRegistry sessions, CountDownLatch shutdown) {
		this.sessions = sessions;
		this.shutdown = shutdown;
	}

	List<SyncToolSpecification> specifications() {
		return List.of(
				tool("echo", "Returns the text argument.", Map.of("text", "string"), this::echo),
				tool("whoami", "Returns the session id and the HTTP headers the server saw, as JSON.", Map.of(),
						this::whoami),
				tool("counter", "Counts the calls made in this session; returns the new count.", Map.of(),
						this::counter),
				tool("sleep", "Waits ms milliseconds, then returns \"slept\".", Map.of("ms", "integer"), this::sleep));
	}

	private CallToolResult echo(McpSyncServerExchange exchange, CallToolRequest request) {
		return text(String.valueOf(request.arguments().get("text")));
	}

	private CallToolResult whoami(McpSyncServerExchange exchange, CallToolRequest request) {
		RecordedRequest call = recordedRequest(exchange);
		return text(new WhoAmI(call.sessionId(), call.headers(), sessions.initHeaders(call.sessionId())).toJson());
	}

	private CallToolResult counter(McpSyncServerExchange exchange, CallToolRequest request) {
		return text(Integer.toString(sessions.incrementCounter(recordedRequest(exchange).sessionId())));
	}

	private CallToolResult sleep(McpSyncServerExchange exchange, CallToolRequest request) {
		long millis = ((Number) request.arguments().get("ms")).longValue();
		try {
			if (shutdown.await(millis, TimeUnit.MILLISECONDS)) {
				return CallToolResult.builder().addTextContent("server stopping").isError(true).build();
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return CallToolResult.builder().addTextContent("interrupted").isError(true).build();
		}
		return text("slept");
	}

	private static RecordedRequest recordedRequest(McpSyncServerExchange exchange) {
		return (RecordedRequest) exchange.transportContext().get(REQUEST);
	}

	private static CallToolResult text(String text) {
		return CallToolResult.builder().addTextContent(text).build();
	}

	private static SyncToolSpecification tool(String name, String description, Map<String, String> arguments,
			BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
		Map<String, Object> properties = new LinkedHashMap<>();
		arguments.forEach((argument, type) -> properties.put(argument, Map.of("type", type)));
		Map<String, Object> schema = Map.of("type", "object", "properties", properties, "required",
				List.copyOf(arguments.keySet()));
		return SyncToolSpecification.builder()
			.tool(Tool.builder(name, schema).description(description).build())
			.callHandler(handler)
			.build();
	}

}
