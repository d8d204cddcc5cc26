package dev.mcppool.cli;

import dev.mcppool.McpSessionPool;
import dev.mcppool.Route;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Tool calls and tool lists through the pool, and the check that tells an unknown tool from a failing one. */
final class Tools {

    /** Names of at most this many tools go into an "unknown tool" message. */
    private static final int NAMES_SHOWN = 20;

    private Tools() {
    }

    /**
     * Calls a tool through the pool. A failure, or a result marked as an error for a tool the server does not
     * list, becomes a {@link CommandFailure} that says what went wrong; other error results are returned.
     */
    static CallToolResult call(McpSessionPool pool, Route route, CallToolRequest request, Duration timeout) {
        CallToolResult result;
        try {
            result = pool.call(route, client -> client.callTool(request));
        } catch (RuntimeException e) {
            if (mayBeUnknownTool(e)) {
                Optional<String> unknown = unknownTool(pool, route, request.name());
                if (unknown.isPresent()) {
                    throw new CommandFailure(unknown.get(), e);
                }
            }
            throw Diagnosis.explain(e, route.target(), timeout);
        }
        if (isError(result)) {
            Optional<String> unknown = unknownTool(pool, route, request.name());
            if (unknown.isPresent()) {
                throw new CommandFailure(unknown.get(), null);
            }
        }
        return result;
    }

    static CallToolRequest request(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }

    /** Every tool of the server, following {@code nextCursor} through all pages. */
    static List<Tool> list(McpSessionPool pool, Route route) {
        List<Tool> tools = new ArrayList<>();
        String cursor = null;
        do {
            String page = cursor;
            ListToolsResult result = pool.call(route, client -> page == null ? client.listTools()
                    : client.listTools(page));
            tools.addAll(result.tools());
            cursor = result.nextCursor();
        } while (cursor != null && !cursor.isEmpty());
        return tools;
    }

    /**
     * After a call failed with a JSON-RPC "invalid params" or "method not found" error, or returned a result marked
     * as an error: if the server has no such tool, a message saying so and naming the tools it has. Empty when the
     * tool exists or the tools cannot be listed.
     */
    static Optional<String> unknownTool(McpSessionPool pool, Route route, String tool) {
        List<Tool> tools;
        try {
            tools = list(pool, route);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (tools.stream().anyMatch(t -> t.name().equals(tool))) {
            return Optional.empty();
        }
        String names = tools.stream().limit(NAMES_SHOWN).map(Tool::name).collect(Collectors.joining(", "));
        String more = tools.size() > NAMES_SHOWN ? ", ... (" + tools.size() + " in all)" : "";
        return Optional.of("the server at " + route.target().displayUrl() + " has no tool '" + tool + "'"
                + (tools.isEmpty() ? " (it lists no tools)" : " (its tools: " + names + more + ")"));
    }

    /** Whether this failure may mean the tool does not exist. */
    static boolean mayBeUnknownTool(Throwable t) {
        McpError error = Diagnosis.find(t, McpError.class);
        if (error == null || error.getJsonRpcError() == null) {
            return false;
        }
        int code = error.getJsonRpcError().code();
        return code == McpSchema.ErrorCodes.INVALID_PARAMS || code == McpSchema.ErrorCodes.METHOD_NOT_FOUND;
    }

    /** The first text content of an error result, for a one-line message. */
    static String firstText(CallToolResult result) {
        if (result.content() != null) {
            for (McpSchema.Content content : result.content()) {
                if (content instanceof TextContent text && text.text() != null && !text.text().isBlank()) {
                    String line = text.text().strip().lines().findFirst().orElse("");
                    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
                }
            }
        }
        return "no text content";
    }

    static boolean isError(CallToolResult result) {
        return Boolean.TRUE.equals(result.isError());
    }
}
