package dev.mcppool.spring;

import static dev.mcppool.spring.Tools.as;
import static dev.mcppool.spring.Tools.text;
import static dev.mcppool.spring.Tools.tool;
import static dev.mcppool.spring.Tools.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.CallerIdentity;
import dev.mcppool.testing.TestMcpServer;
import dev.mcppool.testing.WhoAmI;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.mcp.McpToolsChangedEvent;
import org.springframework.ai.mcp.ToolContextToMcpMetaConverter;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The starter in a whole Spring Boot application (every auto-configuration on the test classpath), against a real
 * MCP server: users reach the server's tools through the Spring AI provider, each on sessions of their own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "mcp.pool.name=per-user-test",
        "mcp.pool.servers.tools.headers.X-Gateway-Key=gateway-secret",
        "mcp.pool.servers.tools.forward-headers=X-Tenant-Id,Traceparent"})
@DirtiesContext
class PerUserToolsTest {

    static final TestMcpServer server = TestMcpServer.start();

    @DynamicPropertySource
    static void serverUrl(DynamicPropertyRegistry registry) {
        registry.add("mcp.pool.servers.tools.url", () -> server.streamableUri().toString());
    }

    /** The tool contexts the meta converter was given. */
    static final List<Map<String, Object>> metaSeen = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        /** Registered first, so destroyed last: the pool closes its sessions while the server still runs. */
        @Bean(destroyMethod = "close")
        TestMcpServer testMcpServer() {
            return server;
        }

        @Bean
        ToolContextToMcpMetaConverter recordingMetaConverter() {
            return context -> {
                metaSeen.add(Map.copyOf(context.getContext()));
                return ToolContextToMcpMetaConverter.defaultConverter().convert(context);
            };
        }
    }

    @Autowired
    ToolCallbackProvider tools;

    @Autowired
    McpPoolToolCallbackProvider provider;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void exposesTheServersToolsUnderItsPrefix() {
        assertThat(Tools.names(tools)).containsExactlyInAnyOrder("tools_echo", "tools_whoami", "tools_counter",
                "tools_sleep");
        ToolCallback echo = tool(tools, "tools_echo");
        assertThat(echo.getToolDefinition().description()).isEqualTo("Returns the text argument.");
        assertThat(echo.getToolDefinition().inputSchema()).contains("\"text\"");
        assertThat(((McpPoolToolCallback) echo).originalToolName()).isEqualTo("echo");
        assertThat(text(echo.call("{\"text\":\"hello\"}"))).isEqualTo("hello");
    }

    @Test
    void twoUsersGetSeparateSessionsEachReusedAcrossTheirCalls() {
        ToolCallback whoami = tool(tools, "tools_whoami");
        List<String> alice = as("alice", () -> sessions(whoami, 3));
        List<String> bob = as("bob", () -> sessions(whoami, 3));

        assertThat(new HashSet<>(alice)).hasSize(1);
        assertThat(new HashSet<>(bob)).hasSize(1);
        assertThat(alice.get(0)).isNotEqualTo(bob.get(0));
        assertThat(as("alice", () -> whoami(tool(tools, "tools_whoami")).sessionId())).isEqualTo(alice.get(0));
    }

    @Test
    void aCallbackRunsAsTheCallerOfTheMomentNotAsTheOneWhoListedIt() {
        ToolCallback listedAnonymously = tool(tools, "tools_whoami");
        String carol = as("carol", () -> whoami(tool(tools, "tools_whoami")).sessionId());
        String dave = as("dave", () -> whoami(listedAnonymously).sessionId());

        assertThat(as("carol", () -> whoami(listedAnonymously).sessionId())).isEqualTo(carol);
        assertThat(dave).isNotEqualTo(carol);
    }

    @Test
    void usersCallingAtOnceNeverShareASession() throws Exception {
        List<String> users = List.of("u1", "u2", "u3", "u4");
        ToolCallback whoami = tool(tools, "tools_whoami");
        Map<String, Set<String>> seen = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String user = users.get(i % users.size());
                calls.add(threads.submit(() -> {
                    start.await();
                    return as(user, () -> {
                        for (int call = 0; call < 3; call++) {
                            seen.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(whoami(whoami)
                                    .sessionId());
                        }
                        return null;
                    });
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(seen).containsOnlyKeys(users);
        Set<String> all = new HashSet<>();
        seen.values().forEach(ids -> assertThat(all.addAll(ids)).as("a session seen by two users").isTrue());
        seen.values().forEach(ids -> assertThat(ids).hasSizeBetween(1, 2));
    }

    @Test
    void forwardsTheConfiguredHeadersOfTheIncomingRequestAndTheStaticOnes() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-Tenant-Id", "acme");
        request.addHeader("X-Not-Forwarded", "private");
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        try {
            WhoAmI seen = as("erin", () -> whoami(tool(tools, "tools_whoami")));
            assertThat(seen.header("X-Tenant-Id")).isEqualTo("acme");
            assertThat(seen.header("X-Not-Forwarded")).isNull();
            assertThat(seen.header("X-Gateway-Key")).isEqualTo("gateway-secret");

            request.removeHeader("X-Tenant-Id");
            request.addHeader("X-Tenant-Id", "globex");
            WhoAmI otherTenant = as("erin", () -> whoami(tool(tools, "tools_whoami")));
            assertThat(otherTenant.header("X-Tenant-Id")).isEqualTo("globex");
            assertThat(otherTenant.sessionId()).as("x-tenant-id is an identity header: its own key")
                    .isNotEqualTo(seen.sessionId());
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }

    @Test
    void aCallerInTheToolContextWinsAndIsNotSentToTheServer() {
        ToolCallback whoami = tool(tools, "tools_whoami");
        String frank = as("frank", () -> whoami(whoami).sessionId());
        ToolContext context = new ToolContext(Map.of(McpPoolToolCallbackProvider.CALLER_IDENTITY,
                CallerIdentity.user("frank"), "conversation", "c-42"));

        metaSeen.clear();
        String answer = as("mallory", () -> whoami.call("{}", context));

        assertThat(WhoAmI.parse(text(answer)).sessionId()).isEqualTo(frank);
        assertThat(metaSeen).containsExactly(Map.of("conversation", "c-42"));
    }

    @Test
    void toolListsAreCachedPerCallerAndListedAgainWhenInvalidated() {
        provider.invalidateAll();
        server.clearRequests();

        as("gina", () -> tools.getToolCallbacks());
        as("gina", () -> tools.getToolCallbacks());
        assertThat(toolLists()).isEqualTo(1);

        as("hank", () -> tools.getToolCallbacks());
        assertThat(toolLists()).as("another user, another key: listed for him").isEqualTo(2);

        provider.invalidate("tools");
        as("gina", () -> tools.getToolCallbacks());
        assertThat(toolLists()).isEqualTo(3);

        context.publishEvent(new McpToolsChangedEvent("tools", List.of()));
        as("gina", () -> tools.getToolCallbacks());
        assertThat(toolLists()).isEqualTo(4);
    }

    @Test
    void aFailedToolCallIsAToolExecutionException() {
        ToolCallback sleep = tool(tools, "tools_sleep");
        assertThatThrownBy(() -> as("ivan", () -> sleep.call("{\"ms\":\"not a number\"}")))
                .isInstanceOf(ToolExecutionException.class)
                .satisfies(e -> assertThat(((ToolExecutionException) e).getToolDefinition().name())
                        .isEqualTo("tools_sleep"));
        assertThatThrownBy(() -> sleep.call("not json")).isInstanceOf(ToolExecutionException.class);
    }

    private long toolLists() {
        return server.requests().stream().filter(r -> r.isJsonRpc("tools/list")).count();
    }

    private static List<String> sessions(ToolCallback whoami, int calls) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            ids.add(whoami(whoami).sessionId());
        }
        return ids;
    }
}
