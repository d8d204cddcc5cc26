package dev.mcppool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.McpToolUtils;
import org.springframework.ai.tool.definition.ToolDefinition;

/** One MCP SDK in the build: the pool's 2.1.0, also under Spring AI's MCP classes (compiled against 2.0.0). */
class SdkVersionTest {

    @Test
    void everySdkClassComesFromVersion210() throws IOException {
        for (String type : List.of("io/modelcontextprotocol/spec/McpSchema.class",
                "io/modelcontextprotocol/client/McpSyncClient.class",
                "io/modelcontextprotocol/json/jackson3/JacksonMcpJsonMapper.class")) {
            List<URL> copies = Collections.list(getClass().getClassLoader().getResources(type));
            assertThat(copies).as(type).hasSize(1);
            assertThat(copies.get(0).toString()).as(type).contains("/2.1.0/");
        }
    }

    @Test
    void springAisMcpToolDefinitionsWorkOnIt() {
        McpSchema.Tool tool = McpSchema.Tool.builder("echo",
                Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                .description("Returns the text argument.").build();

        ToolDefinition definition = McpToolUtils.createToolDefinition("docs_echo", tool);

        assertThat(definition.name()).isEqualTo("docs_echo");
        assertThat(definition.description()).isEqualTo("Returns the text argument.");
        assertThat(definition.inputSchema()).contains("\"text\"").contains("\"string\"");
    }
}
