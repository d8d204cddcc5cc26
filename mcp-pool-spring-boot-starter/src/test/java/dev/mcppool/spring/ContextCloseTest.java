package dev.mcppool.spring;

import static dev.mcppool.spring.Tools.as;
import static dev.mcppool.spring.Tools.tool;
import static dev.mcppool.spring.Tools.whoami;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.McpSessionPool;
import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.TestMcpServer;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole application's shutdown closes every upstream session and stops every pool thread. */
class ContextCloseTest {

    TestMcpServer server;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @BeforeEach
    void startServer() {
        server = TestMcpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void closingTheContextLeavesNoSessionOnTheServerAndNoPoolThread() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("mcp.pool.name=close-test", "mcp.pool.servers.tools.url=" + server.streamableUri())
                .run();
        McpSessionPool pool = context.getBean(McpSessionPool.class);
        ToolCallbackProvider tools = context.getBean(ToolCallbackProvider.class);
        String alice = as("alice", () -> whoami(tool(tools, "tools_whoami")).sessionId());
        String bob = as("bob", () -> whoami(tool(tools, "tools_whoami")).sessionId());
        assertThat(alice).isNotEqualTo(bob);
        assertThat(server.liveSessions()).isEqualTo(2);

        context.close();

        assertThat(pool.isClosed()).isTrue();
        server.awaitLiveSessions(0, Duration.ofSeconds(10));
        assertThat(server.deleteCount()).as("each session closed with an HTTP DELETE").isEqualTo(2);
        Leaks.awaitNoThreads("close-test-", Duration.ofSeconds(10));
    }
}
