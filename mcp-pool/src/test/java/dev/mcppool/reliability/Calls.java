package dev.mcppool.reliability;

import dev.mcppool.testing.WhoAmI;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;

/** Calls on the test server's tools. */
final class Calls {

    private Calls() {
    }

    static String echo(McpSyncClient client, String text) {
        return text(client.callTool(request("echo", Map.of("text", text))));
    }

    static WhoAmI whoami(McpSyncClient client) {
        return WhoAmI.from(client.callTool(request("whoami", Map.of())));
    }

    static String sleep(McpSyncClient client, long millis) {
        return text(client.callTool(request("sleep", Map.of("ms", millis))));
    }

    static McpSchema.CallToolRequest request(String tool, Map<String, Object> arguments) {
        return McpSchema.CallToolRequest.builder().name(tool).arguments(arguments).build();
    }

    static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text())
                .findFirst().orElseThrow();
    }
}
