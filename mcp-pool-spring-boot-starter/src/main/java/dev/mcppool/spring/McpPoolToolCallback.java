package dev.mcppool.spring;

import dev.mcppool.CallerIdentity;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.mcp.McpToolUtils;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;

/**
 * One tool of one configured MCP server as a Spring AI {@link ToolCallback}. Each call resolves the caller at that
 * moment (the {@link McpCallerResolver}, or a {@link CallerIdentity} the application put in the
 * {@link ToolContext} under {@link McpPoolToolCallbackProvider#CALLER_IDENTITY}) and runs
 * {@code pool.call(target, caller, client -> client.callTool(...))}, so it is served by that caller's own pooled
 * session. A callback is not bound to the caller whose tool list it came from: it is safe to keep and share.
 *
 * <p>Failures (the tool reported an error, the pool could not give a session, the server answered with a JSON-RPC
 * error) are thrown as {@link ToolExecutionException}, which Spring AI hands to the model or rethrows as configured.
 * The result is the JSON of the tool result's content list, as Spring AI's own MCP tool callbacks return it.
 *
 * <p>Immutable and thread-safe.
 */
public final class McpPoolToolCallback implements ToolCallback {

    private final McpPoolToolCallbackProvider provider;
    private final McpServer server;
    private final McpSchema.Tool tool;
    private final ToolDefinition definition;

    McpPoolToolCallback(McpPoolToolCallbackProvider provider, McpServer server, McpSchema.Tool tool, String name) {
        this.provider = provider;
        this.server = server;
        this.tool = tool;
        this.definition = McpToolUtils.createToolDefinition(name, tool);
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return definition;
    }

    /** The configured server this tool belongs to. */
    public McpServer server() {
        return server;
    }

    /** The tool's name on its server, without the prefix. */
    public String originalToolName() {
        return tool.name();
    }

    @Override
    public String call(String toolInput) {
        return call(toolInput, null);
    }

    @Override
    public String call(String toolInput, @Nullable ToolContext toolContext) {
        CallerIdentity caller = provider.callerFor(server, toolContext);
        McpSchema.CallToolRequest request = request(toolInput, toolContext);
        McpSchema.CallToolResult result;
        try {
            result = provider.pool().call(server.target(), caller, client -> client.callTool(request));
        } catch (McpError e) {
            // The server refused the call itself (unknown tool, bad arguments): its tool list may have changed.
            provider.invalidate(server, caller);
            throw new ToolExecutionException(definition, e);
        } catch (RuntimeException e) {
            throw new ToolExecutionException(definition, e);
        }
        if (Boolean.TRUE.equals(result.isError())) {
            throw new ToolExecutionException(definition,
                    new IllegalStateException("tool '" + tool.name() + "' of MCP server '" + server.name()
                            + "' reported an error: " + json(result.content())));
        }
        return json(result.content());
    }

    private McpSchema.CallToolRequest request(String toolInput, @Nullable ToolContext toolContext) {
        String arguments = toolInput == null || toolInput.isBlank() ? "{}" : toolInput;
        try {
            return McpSchema.CallToolRequest.builder(tool.name())
                    .arguments(McpJsonDefaults.getMapper(), arguments)
                    .meta(provider.meta(withoutCaller(toolContext)))
                    .build();
        } catch (RuntimeException e) {
            throw new ToolExecutionException(definition, e);
        }
    }

    /** The tool context without the caller's identity, which must never reach the server as {@code _meta}. */
    private static @Nullable ToolContext withoutCaller(@Nullable ToolContext toolContext) {
        if (toolContext == null || !toolContext.getContext().containsKey(McpPoolToolCallbackProvider.CALLER_IDENTITY)) {
            return toolContext;
        }
        Map<String, Object> rest = new HashMap<>(toolContext.getContext());
        rest.remove(McpPoolToolCallbackProvider.CALLER_IDENTITY);
        return new ToolContext(rest);
    }

    private String json(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new ToolExecutionException(definition, e);
        }
    }

    @Override
    public String toString() {
        return "McpPoolToolCallback[" + definition.name() + " -> " + server.name() + "/" + tool.name() + "]";
    }
}
