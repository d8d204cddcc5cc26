package dev.mcppool.spring;

import dev.mcppool.testing.WhoAmI;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/** Test helpers: run as a signed-in user, find a tool, read a tool's answer. */
final class Tools {

    private Tools() {
    }

    /** Runs {@code body} on this thread as the authenticated Spring Security user {@code user}. */
    static <T> T as(String user, Supplier<T> body) {
        SecurityContextHolder.getContext()
                .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null, List.of()));
        try {
            return body.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    static ToolCallback tool(ToolCallbackProvider provider, String name) {
        return Arrays.stream(provider.getToolCallbacks())
                .filter(tool -> tool.getToolDefinition().name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no tool " + name + " in " + names(provider)));
    }

    static List<String> names(ToolCallbackProvider provider) {
        return Arrays.stream(provider.getToolCallbacks()).map(t -> t.getToolDefinition().name()).toList();
    }

    /** The text of the first content of a tool callback's answer (the JSON of the result's content list). */
    static String text(String answer) {
        try {
            List<Map<String, Object>> content = McpJsonDefaults.getMapper()
                    .readValue(answer, new TypeRef<List<Map<String, Object>>>() { });
            return String.valueOf(content.get(0).get("text"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WhoAmI whoami(ToolCallback whoami) {
        return WhoAmI.parse(text(whoami.call("{}")));
    }
}
