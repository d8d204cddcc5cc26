package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolStats;
import dev.mcppool.Route;
import dev.mcppool.testing.Leaks;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import tools.jackson.databind.JsonNode;

/**
 * The pool and the command against a server nobody here wrote: the npm reference server
 * {@code @modelcontextprotocol/server-everything} (see {@code interop/package.json}), in its Streamable HTTP and its
 * SSE mode, each in a child process. Needs {@code npm ci --prefix interop} first.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EverythingServerInteropTest {

    private static final int CALLS = 5;

    private static EverythingServer streamable;
    private static EverythingServer sse;

    @BeforeAll
    static void startServers() throws IOException {
        streamable = EverythingServer.start("streamableHttp");
        sse = EverythingServer.start("sse");
    }

    @AfterAll
    static void stopServers() throws InterruptedException {
        try {
            if (streamable != null) {
                streamable.close();
            }
        } finally {
            if (sse != null) {
                sse.close();
            }
        }
    }

    @Test
    void echoOverStreamableHttpReusesOneSession() {
        assertSequentialEchoesShareOneSession(McpTarget.streamableHttp(streamable.endpoint()));
    }

    @Test
    void echoOverSseReusesOneSession() {
        assertSequentialEchoesShareOneSession(McpTarget.sse(sse.endpoint()));
    }

    @Test
    void callCommandAgainstTheReferenceServer() {
        Cli.Run call = Cli.run("call", "--url", streamable.endpoint(), "--tool", "echo",
                "--args", "{\"message\":\"from the command\"}");
        Cli.Run list = Cli.run("call", "--list", "--transport", "sse", "--url", sse.endpoint());

        assertThat(call.exitCode()).as(call.err()).isEqualTo(ExitCodes.OK);
        assertThat(call.json().get("content").get(0).get("text").asString()).isEqualTo("Echo: from the command");
        assertThat(list.exitCode()).as(list.err()).isEqualTo(ExitCodes.OK);
        List<String> names = new ArrayList<>();
        list.json().forEach(tool -> names.add(tool.get("name").asString()));
        assertThat(names).contains("echo", "get-sum");
    }

    @Test
    void unknownToolOnTheReferenceServer() {
        Cli.Run run = Cli.run("call", "--url", streamable.endpoint(), "--tool", "nosuch");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: the server at " + streamable.endpoint() + " has no tool 'nosuch' (its tools: ")
                .contains("echo");
    }

    @Test
    void benchAgainstTheReferenceServer() {
        for (EverythingServer server : List.of(streamable, sse)) {
            Cli.Run run = Cli.run("bench", "--json", "--url", server.endpoint(), "--transport",
                    server == sse ? "sse" : "streamable", "--args", "{\"message\":\"bench\"}", "--calls", "20",
                    "--users", "2", "--concurrency", "2", "--warmup", "2");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
            JsonNode modes = run.json().get("modes");
            for (String mode : new String[] {"newSessionPerCall", "pool", "singleSession"}) {
                assertThat(modes.get(mode).get("errors").asInt()).as(mode + ": " + modes.get(mode)).isZero();
            }
            assertThat(modes.get("newSessionPerCall").get("sessionsCreated").asInt()).isEqualTo(20);
            assertThat(modes.get("pool").get("sessionsCreated").asInt()).isBetween(2, 4);
        }
    }

    /**
     * After a restart the server has forgotten the pooled session and answers HTTP 400 (not 404) for its id. The
     * SDK's client still reports it as a terminated session, so the pool retries the call once, and the caller sees
     * no failure.
     */
    @Test
    void afterARestartTheCallIsRetriedOnANewServerSession() throws IOException, InterruptedException {
        try (McpSessionPool pool = McpSessionPool.create(PoolConfig.builder()
                .healthCheckInterval(Duration.ofHours(1))
                .build())) {
            Route route = pool.route(McpTarget.streamableHttp(streamable.endpoint()), CallerIdentity.user("interop"));
            CallToolRequest echo = CallToolRequest.builder("echo").arguments(Map.of("message", "again")).build();
            pool.call(route, client -> client.callTool(echo));

            streamable = streamable.restart();
            CallToolResult after = pool.call(route, client -> client.callTool(echo));

            assertThat(after.content()).first().isInstanceOfSatisfying(TextContent.class,
                    text -> assertThat(text.text()).isEqualTo("Echo: again"));
            assertThat(pool.stats().staleRetries()).isEqualTo(1);
        }
    }

    private static void assertSequentialEchoesShareOneSession(McpTarget target) {
        PoolStats stats;
        try (McpSessionPool pool = McpSessionPool.create(PoolConfig.builder()
                .createTimeout(Duration.ofSeconds(20))
                .requestTimeout(Duration.ofSeconds(20))
                .build())) {
            Route route = pool.route(target, CallerIdentity.of("interop", Map.of("Authorization", "Bearer interop")));
            for (int i = 0; i < CALLS; i++) {
                String message = "hello " + i;
                CallToolRequest echo = CallToolRequest.builder("echo").arguments(Map.of("message", message)).build();
                CallToolResult result = pool.call(route, client -> client.callTool(echo));

                assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
                assertThat(result.content()).first().isInstanceOfSatisfying(TextContent.class,
                        text -> assertThat(text.text()).isEqualTo("Echo: " + message));
            }
            stats = pool.stats();
        }
        assertThat(stats.misses()).as("sessions opened").isEqualTo(1);
        assertThat(stats.hits()).as("acquires served by the pooled session").isEqualTo(CALLS - 1);
        Leaks.awaitNoThreads("mcp-pool-", Duration.ofSeconds(10));
    }
}
