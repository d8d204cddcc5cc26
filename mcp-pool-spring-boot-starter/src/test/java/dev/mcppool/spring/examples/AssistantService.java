package dev.mcppool.spring.examples;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.spring.McpCallerResolver;
import dev.mcppool.spring.McpServer;
import dev.mcppool.spring.McpServers;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

import java.util.Map;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.ToolCallbackProvider;

/** An application service of the README: a chat model that may call the MCP servers' tools, and a direct call. */
public class AssistantService {

    private final ChatClient chat;
    private final ToolCallbackProvider mcpTools;
    private final McpSessionPool pool;
    private final McpServers servers;
    private final McpCallerResolver callers;

    public AssistantService(ChatClient chat, ToolCallbackProvider mcpTools, McpSessionPool pool, McpServers servers,
            McpCallerResolver callers) {
        this.chat = chat;
        this.mcpTools = mcpTools;
        this.pool = pool;
        this.servers = servers;
        this.callers = callers;
    }

    // tag::chat-client[]
    /** Runs on the thread serving the signed-in user: every tool call runs on that user's own MCP session. */
    public String answer(String question) {
        return chat.prompt(question)
                .tools(mcpTools)
                .call()
                .content();
    }
    // end::chat-client[]

    // tag::direct-call[]
    /** The same pool, without a model: one tool of the "docs" server, as the current caller. */
    public String echo(String text) {
        McpServer docs = servers.get("docs");
        CallerIdentity caller = callers.resolve(docs);
        CallToolResult result = pool.call(docs.target(), caller, client -> client.callTool(
                CallToolRequest.builder("echo").arguments(Map.of("text", text)).build()));
        return ((TextContent) result.content().get(0)).text();
    }
    // end::direct-call[]
}
