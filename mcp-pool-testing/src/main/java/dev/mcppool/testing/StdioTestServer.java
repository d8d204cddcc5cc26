package dev.mcppool.testing;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A small MCP server over stdio, run as a subprocess by stdio tests:
 * {@code java -cp <test class path> dev.mcppool.testing.StdioTestServer [option]}. Tools: {@code echo} (text),
 * {@code pid} (this process id), {@code counter} (calls so far in this process), {@code env} (the value of the
 * environment variable {@code name}) and {@code crash} (exits the process with status 3 without answering).
 *
 * <p>Options: {@code --fail-on-start MESSAGE} writes the message to stderr and exits with status 1 before serving;
 * {@code --hang-on-start} never answers {@code initialize}. Log output goes to stderr; stdout carries only the
 * protocol.
 */
public final class StdioTestServer {

    private StdioTestServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length >= 2 && args[0].equals("--fail-on-start")) {
            System.err.println("starting the test server");
            System.err.println(args[1]);
            System.exit(1);
        }
        if (args.length >= 1 && args[0].equals("--hang-on-start")) {
            System.err.println("hanging before initialize");
            new CountDownLatch(1).await();
        }
        AtomicInteger calls = new AtomicInteger();
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()))
                .serverInfo("mcp-stdio-test-server", "1.0")
                .capabilities(ServerCapabilities.builder().tools(true).build())
                .tools(List.of(
                        tool("echo", Map.of("text", "string"),
                                (exchange, request) -> text(String.valueOf(request.arguments().get("text")))),
                        tool("pid", Map.of(), (exchange, request) -> text(Long.toString(ProcessHandle.current().pid()))),
                        tool("counter", Map.of(), (exchange, request) -> text(Integer.toString(calls.incrementAndGet()))),
                        tool("env", Map.of("name", "string"), (exchange, request) -> text(String.valueOf(
                                System.getenv(String.valueOf(request.arguments().get("name")))))),
                        tool("crash", Map.of(), (exchange, request) -> {
                            System.err.println("crashing on request");
                            Runtime.getRuntime().halt(3);
                            return text("unreachable");
                        })))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }

    private static SyncToolSpecification tool(String name, Map<String, String> arguments,
            BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
        Map<String, Object> properties = new LinkedHashMap<>();
        arguments.forEach((argument, type) -> properties.put(argument, Map.of("type", type)));
        Map<String, Object> schema = Map.of("type", "object", "properties", properties, "required",
                List.copyOf(arguments.keySet()));
        return SyncToolSpecification.builder().tool(Tool.builder(name, schema).description(name).build())
                .callHandler(handler).build();
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).build();
    }
}
