package dev.mcppool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.TestMcpServer;

import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The quick start works against the real server, and the README shows exactly its code. */
class QuickStartTest {

    @Test
    void quickStartCallsTheServerAndLeavesNothingOpen() {
        try (TestMcpServer server = TestMcpServer.start()) {
            McpSchema.CallToolResult result = QuickStart.run(server.streamableUri().toString(), "alice", "t0ken");
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("hello");
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void readmeShowsTheCompiledQuickStart() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md"))) {
            root = root.getParent();
        }
        String readme = Files.readString(root.resolve("README.md"));
        String source = Files.readString(root.resolve(
                "mcp-pool/src/test/java/dev/mcppool/examples/QuickStart.java"));
        assertThat(readme).contains(Snippets.region(source, "quick-start"));
    }
}
