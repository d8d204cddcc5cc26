package dev.mcppool.spring;

import static dev.mcppool.spring.Tools.as;
import static dev.mcppool.spring.Tools.tool;
import static dev.mcppool.spring.Tools.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.SessionCreationException;
import dev.mcppool.micrometer.McpPoolMetrics;
import dev.mcppool.testing.TestMcpServer;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * What the starter adds when optional libraries are present, and leaves out when they are not: Micrometer meters,
 * the Actuator health indicator, Spring Security users, servlet headers, Spring AI tools.
 */
class OptionalIntegrationsTest {

    static TestMcpServer server;

    ApplicationContextRunner runner;

    @BeforeAll
    static void startServer() {
        server = TestMcpServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void noSessionLeftOpen() {
        server.awaitLiveSessions(0, Duration.ofSeconds(10));
    }

    OptionalIntegrationsTest() {
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        McpPoolAutoConfiguration.class, McpPoolMetricsAutoConfiguration.class,
                        McpPoolHealthAutoConfiguration.class, McpPoolToolsAutoConfiguration.class))
                .withPropertyValues("mcp.pool.servers.tools.url=" + server.streamableUri());
    }

    // ------------------------------------------------------------------------------------------------ metrics

    @Test
    void withMicrometerThePoolsMetersAreBound() {
        runner.withPropertyValues("mcp.pool.name=metered").run(context -> {
            assertThat(context).hasSingleBean(McpPoolMetrics.class);
            McpSessionPool pool = context.getBean(McpSessionPool.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(pool.config().listener()).isSameAs(context.getBean(McpPoolMetrics.class));
            assertThat(registry.find("mcp.pool.keys").tag("pool", "metered").gauge()).isNotNull();

            echo(pool, "alice");

            assertThat(registry.get("mcp.pool.session.creation").tag("pool", "metered")
                    .tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("mcp.pool.sessions").tag("pool", "metered").tag("state", "idle").gauge()
                    .value()).isEqualTo(1.0);
        });
    }

    @Test
    void withoutTheMicrometerBindingThereAreNoMeters() {
        runner.withClassLoader(new FilteredClassLoader(McpPoolMetrics.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(McpSessionPool.class)
                    .doesNotHaveBean(McpPoolMetrics.class).doesNotHaveBean(McpPoolBinder.class);
            assertThat(context.getBean(MeterRegistry.class).find("mcp.pool.keys").gauge()).isNull();
        });
    }

    @Test
    void withoutMicrometerOrARegistryThereAreNoMeters() {
        ApplicationContextRunner withoutBootMetrics = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(McpPoolAutoConfiguration.class,
                        McpPoolMetricsAutoConfiguration.class));
        withoutBootMetrics.run(context -> assertThat(context).hasNotFailed().hasSingleBean(McpSessionPool.class)
                .doesNotHaveBean(MeterRegistry.class).doesNotHaveBean(McpPoolMetrics.class));
        withoutBootMetrics.withClassLoader(new FilteredClassLoader("io.micrometer.core.")).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(McpSessionPool.class)
                        .doesNotHaveBean(McpPoolMetrics.class));
    }

    // ------------------------------------------------------------------------------------------------ health

    @Test
    void withActuatorAHealthyPoolIsUp() {
        runner.run(context -> {
            assertThat(context).hasBean("mcpPoolHealthIndicator");
            echo(context.getBean(McpSessionPool.class), "alice");
            Health health = context.getBean("mcpPoolHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("keys", 1).containsEntry("idle", 1)
                    .containsEntry("breakers", Map.of()).containsEntry("saturatedKeyCount", 0);
        });
    }

    @Test
    void withoutActuatorOrWhenDisabledThereIsNoHealthIndicator() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(McpPoolHealthIndicator.class));
        runner.withPropertyValues("management.health.mcppool.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(McpPoolHealthIndicator.class));
    }

    @Test
    void anOpenBreakerIsDownWithItsServerNamed() throws IOException {
        String deadUrl = "http://127.0.0.1:" + freePort() + "/mcp";
        runner.withPropertyValues("mcp.pool.servers.dead.url=" + deadUrl, "mcp.pool.breaker-failure-threshold=1",
                "mcp.pool.breaker-open-duration=2s", "mcp.pool.connect-timeout=2s").run(context -> {
                    McpSessionPool pool = context.getBean(McpSessionPool.class);
                    McpTarget dead = context.getBean(McpServers.class).get("dead").target();
                    assertThatThrownBy(() -> pool.call(dead, CallerIdentity.user("alice"), c -> c.ping()))
                            .isInstanceOf(SessionCreationException.class);

                    Health health = context.getBean(McpPoolHealthIndicator.class).health();

                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> breakers =
                            (Map<String, Map<String, Object>>) health.getDetails().get("breakers");
                    assertThat(breakers).containsOnlyKeys(dead.displayUrl());
                    assertThat(breakers.get(dead.displayUrl())).containsEntry("state", "OPEN")
                            .containsEntry("servers", List.of("dead")).containsEntry("consecutiveFailures", 1);

                    // Its open time over, the next call would probe: an idle broken server does not keep us down.
                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            context.getBean(McpPoolHealthIndicator.class).health().getStatus().equals(Status.UP));
                    assertThat(context.getBean(McpPoolHealthIndicator.class).health().getDetails().get("breakers"))
                            .isEqualTo(Map.of(dead.displayUrl(), Map.of("state", "OPEN", "servers", List.of("dead"),
                                    "consecutiveFailures", 1, "retryAfter", "PT0S")));
                });
    }

    @Test
    void aKeyWithEverySessionLeasedAndCallersWaitingIsReportedSaturated() {
        runner.withPropertyValues("mcp.pool.max-sessions-per-key=1", "mcp.pool.acquire-timeout=20s")
                .run(context -> {
                    McpSessionPool pool = context.getBean(McpSessionPool.class);
                    McpTarget tools = context.getBean(McpServers.class).get("tools").target();
                    CallerIdentity alice = CallerIdentity.of("alice", Map.of("Authorization", "Bearer s3cret"));
                    CompletableFuture<?> slow = CompletableFuture.runAsync(() -> pool.call(tools, alice,
                            c -> c.callTool(McpSchema.CallToolRequest.builder("sleep")
                                    .arguments(Map.of("ms", 1500)).build())));
                    await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().leased() == 1);
                    CompletableFuture<?> waiting = CompletableFuture.runAsync(() -> pool.call(tools, alice,
                            c -> c.ping()));
                    await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().pendingAcquires() == 1);

                    Health health = context.getBean(McpPoolHealthIndicator.class).health();

                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("saturatedKeyCount", 1);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> key = ((List<Map<String, Object>>) health.getDetails()
                            .get("saturatedKeys")).get(0);
                    assertThat(key).containsEntry("leased", 1).containsEntry("max", 1).containsEntry("waiting", 1)
                            .containsEntry("servers", List.of("tools"));
                    assertThat(health.toString()).doesNotContain("alice").doesNotContain("s3cret");
                    slow.get(20, TimeUnit.SECONDS);
                    waiting.get(20, TimeUnit.SECONDS);
                });
    }

    // ------------------------------------------------------------------------------------------------ callers

    @Test
    void withSpringSecurityTheCallerIsTheAuthenticatedPrincipal() {
        runner.run(context -> {
            McpCallerResolver resolver = context.getBean(McpCallerResolver.class);
            McpServer tools = context.getBean(McpServers.class).get("tools");
            assertThat(as("alice", () -> resolver.resolve(tools))).isEqualTo(CallerIdentity.user("alice"));
            assertThat(resolver.resolve(tools)).isEqualTo(CallerIdentity.anonymous());
        });
    }

    @Test
    void withoutSpringSecurityEveryCallerIsAnonymous() {
        runner.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class)).run(context -> {
            McpCallerResolver resolver = context.getBean(McpCallerResolver.class);
            assertThat(((DefaultMcpCallerResolver) resolver).usesSpringSecurity()).isFalse();
            McpServer tools = context.getBean(McpServers.class).get("tools");
            assertThat(as("alice", () -> resolver.resolve(tools))).isEqualTo(CallerIdentity.anonymous());
        });
    }

    @Test
    void forwardedHeadersComeFromTheServletRequestWhenTheServletApiIsPresent() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", "Bearer t0ken");
        request.addHeader("X-Trace", "a");
        request.addHeader("X-Trace", "b");
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        try {
            ApplicationContextRunner forwarding = runner.withPropertyValues(
                    "mcp.pool.servers.tools.forward-headers=authorization,X-Trace,X-Absent");
            forwarding.run(context -> {
                McpServer tools = context.getBean(McpServers.class).get("tools");
                assertThat(as("alice", () -> context.getBean(McpCallerResolver.class).resolve(tools)))
                        .isEqualTo(CallerIdentity.of("alice", Map.of("authorization", "Bearer t0ken",
                                "X-Trace", "a, b")));
            });
            forwarding.withClassLoader(new FilteredClassLoader("jakarta.servlet.")).run(context -> {
                McpServer tools = context.getBean(McpServers.class).get("tools");
                assertThat(as("alice", () -> context.getBean(McpCallerResolver.class).resolve(tools)))
                        .isEqualTo(CallerIdentity.user("alice"));
            });
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }

    @Test
    void aResolverBeanReplacesTheDefault() {
        McpCallerResolver tenantResolver = server -> CallerIdentity.user("tenant-7");
        runner.withBean(McpCallerResolver.class, () -> tenantResolver).run(context -> {
            assertThat(context.getBean(McpCallerResolver.class)).isSameAs(tenantResolver);
            ToolCallbackProvider tools = context.getBean(ToolCallbackProvider.class);
            String asAlice = as("alice", () -> whoami(tool(tools, "tools_whoami")).sessionId());
            String asBob = as("bob", () -> whoami(tool(tools, "tools_whoami")).sessionId());
            assertThat(asAlice).as("everyone is tenant-7 now").isEqualTo(asBob);
        });
    }

    // ------------------------------------------------------------------------------------------------ tools

    @Test
    void withoutSpringAiOrWhenDisabledThereAreNoToolsButAPool() {
        runner.withClassLoader(new FilteredClassLoader(ToolCallbackProvider.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(McpSessionPool.class)
                        .doesNotHaveBean(McpPoolToolCallbackProvider.class));
        runner.withPropertyValues("mcp.pool.tools.enabled=false").run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(McpSessionPool.class)
                        .doesNotHaveBean(ToolCallbackProvider.class));
    }

    @Test
    void aServerThatCannotBeListedIsLeftOutOfTheToolsOfTheOthers() throws IOException {
        runner.withPropertyValues("mcp.pool.servers.dead.url=http://127.0.0.1:" + freePort() + "/mcp",
                "mcp.pool.connect-timeout=2s").run(context -> {
                    McpPoolToolCallbackProvider tools = context.getBean(McpPoolToolCallbackProvider.class);
                    assertThat(Tools.names(tools)).containsExactlyInAnyOrder("tools_echo", "tools_whoami",
                            "tools_counter", "tools_sleep");
                    assertThatThrownBy(() -> tools.toolCallbacks("dead")).isInstanceOf(SessionCreationException.class);
                    assertThatThrownBy(() -> tools.toolCallbacks("nope"))
                            .hasMessage("no MCP server named 'nope' under mcp.pool.servers; configured: [tools, dead]");
                });
    }

    private static void echo(McpSessionPool pool, String user) {
        McpTarget target = McpTarget.streamableHttp(server.streamableUri().toString());
        pool.call(target, CallerIdentity.user(user), c -> c.callTool(McpSchema.CallToolRequest.builder("echo")
                .arguments(Map.of("text", "hi")).build()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
