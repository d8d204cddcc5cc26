package dev.mcppool.examples;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpAsyncSessionPool;
import dev.mcppool.McpTarget;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

import java.util.Map;

import reactor.core.publisher.Mono;

/** The README's Reactor/WebFlux example, compiled and run by {@link ExamplesTest}. */
final class ReactorExample {

    private final McpAsyncSessionPool pool;
    private final McpTarget server;

    ReactorExample(McpAsyncSessionPool pool, String url) {
        this.pool = pool;
        this.server = McpTarget.streamableHttp(url);
    }

    // tag::reactor[]
    /** A WebFlux handler body: no thread waits for a session, the HTTP call or the answer. */
    Mono<String> echo(String user, String token, String text) {
        CallerIdentity caller = CallerIdentity.of(user, Map.of("Authorization", "Bearer " + token));
        CallToolRequest request = CallToolRequest.builder().name("echo").arguments(Map.of("text", text)).build();
        return pool.call(server, caller, client -> client.callTool(request))
                .map(result -> ((TextContent) result.content().get(0)).text());
    }
    // end::reactor[]
}
