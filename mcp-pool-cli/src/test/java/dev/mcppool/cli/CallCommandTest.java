package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.TestMcpServer;
import dev.mcppool.testing.WhoAmI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class CallCommandTest {

    private TestMcpServer server;

    @BeforeEach
    void startServer() {
        server = TestMcpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void callsAToolAndPrintsTheResultAsJson() {
        Cli.Run run = Cli.run("call", "--url", server.streamableUri().toString(), "--tool", "echo",
                "--args", "{\"text\":\"hi there\"}");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.err()).isEmpty();
        JsonNode result = run.json();
        assertThat(result.get("content").get(0).get("type").asString()).isEqualTo("text");
        assertThat(result.get("content").get(0).get("text").asString()).isEqualTo("hi there");
        assertThat(result.get("isError").asBoolean()).isFalse();
        server.awaitLiveSessions(0, Duration.ofSeconds(5));
    }

    @Test
    void callsOverTheLegacySseTransport() {
        Cli.Run run = Cli.run("call", "--transport", "sse", "--url", server.baseUrl() + "/sse", "--tool", "echo",
                "--args", "{\"text\":\"over sse\"}");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.json().get("content").get(0).get("text").asString()).isEqualTo("over sse");
        server.awaitLiveSessions(0, Duration.ofSeconds(5));
    }

    @Test
    void sendsTheHeadersGiven() {
        Cli.Run run = Cli.run("call", "--url", server.streamableUri().toString(), "--tool", "whoami",
                "--header", "X-Tenant-Id: acme", "-H", "traceparent:00-abc-def-01");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        WhoAmI whoami = WhoAmI.parse(run.json().get("content").get(0).get("text").asString());
        assertThat(whoami.header("x-tenant-id")).isEqualTo("acme");
        assertThat(whoami.header("traceparent")).isEqualTo("00-abc-def-01");
    }

    @Test
    void listsTheToolsWithTheirDescriptions() {
        Cli.Run run = Cli.run("call", "--list", "--url", server.streamableUri().toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        List<String> names = new ArrayList<>();
        for (JsonNode tool : run.json()) {
            names.add(tool.get("name").asString());
            assertThat(tool.get("description").asString()).isNotBlank();
        }
        assertThat(names).containsExactlyInAnyOrder("echo", "whoami", "counter", "sleep");
    }

    @Test
    void needsEitherToolOrList() {
        Cli.Run neither = Cli.run("call", "--url", server.streamableUri().toString());
        Cli.Run both = Cli.run("call", "--url", server.streamableUri().toString(), "--list", "--tool", "echo");

        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(neither.errLines()).singleElement().asString()
                .startsWith("error: missing --tool NAME (or --list to see the tools)");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.errLines()).singleElement().asString().startsWith("error: give either --list or --tool");
    }
}
