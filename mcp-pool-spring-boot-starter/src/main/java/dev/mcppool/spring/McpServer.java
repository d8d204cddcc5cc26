package dev.mcppool.spring;

import dev.mcppool.McpTarget;

import java.util.List;

/**
 * One configured upstream MCP server ({@code mcp.pool.servers.<name>}), validated: its name, the pool target (URL,
 * transport, static headers), the names of the incoming request headers to forward for each caller, and the prefix
 * of its Spring AI tool names. Immutable and thread-safe; {@link #toString()} shows no header values.
 *
 * @param name           the name under {@code mcp.pool.servers}
 * @param target         where and how the pool opens sessions to this server
 * @param forwardHeaders names of incoming request headers sent on for each caller, in the order configured
 * @param toolPrefix     prefix of this server's tool names, empty for none
 */
public record McpServer(String name, McpTarget target, List<String> forwardHeaders, String toolPrefix) {

    public McpServer {
        forwardHeaders = List.copyOf(forwardHeaders);
    }
}
