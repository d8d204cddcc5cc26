package dev.mcppool.examples;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** The README's virtual-threads example, compiled and run by {@link ExamplesTest}. */
final class VirtualThreadsExample {

    private VirtualThreadsExample() {
    }

    // tag::virtual-threads[]
    /** On Java 21+, pass Executors.newVirtualThreadPerTaskExecutor(): one cheap thread per call. */
    static List<CallToolResult> callForEveryUser(McpSessionPool pool, String url, List<String> users,
            ExecutorService threads) throws Exception {
        McpTarget server = McpTarget.streamableHttp(url);
        CallToolRequest request = CallToolRequest.builder().name("echo").arguments(Map.of("text", "hi")).build();
        List<Future<CallToolResult>> calls = new ArrayList<>();
        for (String user : users) {
            calls.add(threads.submit(() -> pool.call(server, CallerIdentity.user(user), c -> c.callTool(request))));
        }
        List<CallToolResult> results = new ArrayList<>();
        for (Future<CallToolResult> call : calls) {
            results.add(call.get());
        }
        return results;
    }
    // end::virtual-threads[]
}
