package dev.mcppool.spring;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolKey;
import dev.mcppool.Route;
import dev.mcppool.Ticker;
import dev.mcppool.spring.internal.ExpiringCache;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.mcp.McpToolUtils;
import org.springframework.ai.mcp.McpToolsChangedEvent;
import org.springframework.ai.mcp.ToolContextToMcpMetaConverter;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.context.ApplicationListener;

/**
 * A Spring AI {@link ToolCallbackProvider} exposing the tools of the servers under {@code mcp.pool.servers}, named
 * {@code <tool-prefix>_<tool>}. Every tool call runs through the pool under the identity of the caller on whose
 * thread it runs (see {@link McpPoolToolCallback}), so users never share an upstream session.
 *
 * <p><strong>Tool lists</strong> are listed through the pool for the current caller and cached per (server, pool
 * key), for {@code mcp.pool.tools.cache-ttl}: users whose credentials let them see different tools see their own
 * lists. A list is listed again after it expires, after {@link #invalidate(String)}, after a Spring AI
 * {@link McpToolsChangedEvent} naming the server, and after the server refuses a tool call with a JSON-RPC error.
 * (The pool opens its sessions itself and offers no hook for the SDK's {@code toolsChangeConsumer}, so the
 * server's {@code notifications/tools/list_changed} does not reach this cache.)
 *
 * <p>{@link #getToolCallbacks()} leaves out, with a warning, a server whose tools cannot be listed for the current
 * caller, so one unreachable server does not hide the others' tools; {@link #toolCallbacks(String)} throws instead.
 *
 * <p>Thread-safe. Spring AI's {@code ToolCallingAutoConfiguration} calls {@link #getToolCallbacks()} once at
 * start-up, outside any request: that lists the tools as {@link CallerIdentity#anonymous()}.
 */
public final class McpPoolToolCallbackProvider implements ToolCallbackProvider,
        ApplicationListener<McpToolsChangedEvent> {

    /**
     * Key of a {@link CallerIdentity} in a Spring AI {@link ToolContext}: when present it is the caller of the tool
     * call, instead of the one the {@link McpCallerResolver} gives. Use it where the call runs on another thread than
     * the caller's (streaming, reactive). It is never sent to the server.
     */
    public static final String CALLER_IDENTITY = "dev.mcppool.caller";

    private static final Logger log = LoggerFactory.getLogger(McpPoolToolCallbackProvider.class);
    private static final int MAX_PAGES = 100;
    private static final int MAX_TOOL_NAME = 64;

    private final McpSessionPool pool;
    private final McpServers servers;
    private final McpCallerResolver resolver;
    private final ToolContextToMcpMetaConverter metaConverter;
    private final ExpiringCache<CacheKey, List<ToolCallback>> toolLists;

    /** A tool list's key: hashes only (the pool key), never a raw credential. */
    private record CacheKey(String server, PoolKey key) {
    }

    /**
     * @param pool          runs every listing and call
     * @param servers       the servers whose tools are exposed
     * @param resolver      says who the current caller is
     * @param metaConverter turns a call's tool context into the request's {@code _meta}
     * @param cacheTtl      how long a tool list is served before it is listed again
     * @param cacheMaxEntries most tool lists held
     * @param ticker        the cache's clock
     */
    public McpPoolToolCallbackProvider(McpSessionPool pool, McpServers servers, McpCallerResolver resolver,
            ToolContextToMcpMetaConverter metaConverter, Duration cacheTtl, int cacheMaxEntries, Ticker ticker) {
        this.pool = pool;
        this.servers = servers;
        this.resolver = resolver;
        this.metaConverter = metaConverter;
        this.toolLists = new ExpiringCache<>(cacheTtl, cacheMaxEntries, ticker);
    }

    /** The tools of every configured server that the current caller can list. */
    @Override
    public ToolCallback[] getToolCallbacks() {
        Map<String, ToolCallback> byName = new LinkedHashMap<>();
        for (McpServer server : servers.all()) {
            List<ToolCallback> tools;
            try {
                tools = toolCallbacks(server, resolver.resolve(server));
            } catch (RuntimeException e) {
                log.warn("Left out the tools of MCP server '{}': listing them for the current caller failed: {}",
                        server.name(), e.toString());
                continue;
            }
            for (ToolCallback tool : tools) {
                ToolCallback other = byName.putIfAbsent(tool.getToolDefinition().name(), tool);
                if (other != null) {
                    throw new IllegalStateException("two MCP tools are both named '" + tool.getToolDefinition().name()
                            + "': " + other + " and " + tool + "; give their servers distinct tool-prefix values");
                }
            }
        }
        return byName.values().toArray(new ToolCallback[0]);
    }

    /**
     * The tools of one server for the current caller.
     *
     * @throws IllegalArgumentException if no server of this name is configured
     * @throws RuntimeException         the pool's or the server's failure to list them
     */
    public List<ToolCallback> toolCallbacks(String serverName) {
        McpServer server = servers.get(serverName);
        return toolCallbacks(server, resolver.resolve(server));
    }

    /** The tools of one server for this caller. */
    public List<ToolCallback> toolCallbacks(String serverName, CallerIdentity caller) {
        return toolCallbacks(servers.get(serverName), caller);
    }

    private List<ToolCallback> toolCallbacks(McpServer server, CallerIdentity caller) {
        Route route = pool.route(server.target(), caller);
        return toolLists.get(new CacheKey(server.name(), route.key()), () -> list(server, route));
    }

    private List<ToolCallback> list(McpServer server, Route route) {
        List<McpSchema.Tool> tools = pool.call(route, McpPoolToolCallbackProvider::listAll);
        List<ToolCallback> callbacks = new ArrayList<>(tools.size());
        for (McpSchema.Tool tool : tools) {
            callbacks.add(new McpPoolToolCallback(this, server, tool, toolName(server, tool)));
        }
        log.debug("Listed {} tools of MCP server '{}' for {}", callbacks.size(), server.name(), route.key());
        return List.copyOf(callbacks);
    }

    private static List<McpSchema.Tool> listAll(McpSyncClient client) {
        List<McpSchema.Tool> tools = new ArrayList<>();
        McpSchema.ListToolsResult page = client.listTools();
        tools.addAll(page.tools());
        for (int pages = 1; page.nextCursor() != null && pages < MAX_PAGES; pages++) {
            page = client.listTools(page.nextCursor());
            tools.addAll(page.tools());
        }
        return tools;
    }

    /**
     * {@code <prefix>_<tool>} in the characters model APIs accept, at most 64 of them (the end is kept, as Spring AI
     * does). Not {@code McpToolUtils.prefixedToolName}: that one cuts the prefix down to its initials.
     */
    static String toolName(McpServer server, McpSchema.Tool tool) {
        String name = McpToolUtils.format(tool.name());
        if (!server.toolPrefix().isEmpty()) {
            name = server.toolPrefix() + "_" + name;
        }
        return name.length() > MAX_TOOL_NAME ? name.substring(name.length() - MAX_TOOL_NAME) : name;
    }

    /** Drops the cached tool lists of this server, for every caller; the next listing asks the server again. */
    public void invalidate(String serverName) {
        toolLists.invalidate(key -> key.server().equals(serverName));
    }

    /** Drops every cached tool list. */
    public void invalidateAll() {
        toolLists.invalidate(key -> true);
    }

    void invalidate(McpServer server, CallerIdentity caller) {
        PoolKey key = pool.route(server.target(), caller).key();
        toolLists.invalidate(k -> k.server().equals(server.name()) && k.key().equals(key));
    }

    /** Spring AI announces that a connection's tools changed: when it names one of our servers, drop its lists. */
    @Override
    public void onApplicationEvent(McpToolsChangedEvent event) {
        if (servers.find(event.getConnectionName()).isPresent()) {
            invalidate(event.getConnectionName());
        }
    }

    CallerIdentity callerFor(McpServer server, @Nullable ToolContext toolContext) {
        if (toolContext != null && toolContext.getContext().get(CALLER_IDENTITY) instanceof CallerIdentity caller) {
            return caller;
        }
        return resolver.resolve(server);
    }

    @Nullable Map<String, Object> meta(@Nullable ToolContext toolContext) {
        if (toolContext == null) {
            return null;
        }
        Map<String, Object> meta = metaConverter.convert(toolContext);
        return meta == null || meta.isEmpty() ? null : meta;
    }

    McpSessionPool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "McpPoolToolCallbackProvider[servers=" + servers.all().stream().map(McpServer::name).toList() + "]";
    }
}
