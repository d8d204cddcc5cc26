package dev.mcppool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.TestMcpServer;

import io.modelcontextprotocol.spec.McpSchema;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The quick start works against the real server; {@link ReadmeSnippetTest} checks the README shows its code. */
class QuickStartTest {

    @Test
    void quickStartCallsTheServerAndLeavesNothingOpen() {
        try (TestMcpServer server = TestMcpServer.start()) {
            McpSchema.CallToolResult result = QuickStart.run(server.streamableUri().toString(), "alice", "t0ken");
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("hello");
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
        }
    }
}
