package dev.mcppool.examples;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.SessionLease;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.util.Map;

/** The README's quick start, compiled and run by {@link QuickStartTest}. */
final class QuickStart {

    private QuickStart() {
    }

    static CallToolResult run(String url, String user, String token) {
        // tag::quick-start[]
        try (McpSessionPool pool = McpSessionPool.create()) {
            McpTarget server = McpTarget.streamableHttp(url);
            CallerIdentity caller = CallerIdentity.of(user, Map.of("Authorization", "Bearer " + token));
            try (SessionLease lease = pool.acquire(server, caller)) {
                return lease.client().callTool(CallToolRequest.builder()
                        .name("echo").arguments(Map.of("text", "hello")).build());
            }
        }
        // end::quick-start[]
    }
}
