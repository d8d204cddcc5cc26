package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.TestMcpServer;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each failure a person can act on gives one line on stderr, a non-zero exit code, no stack trace, and never a
 * header value or a URL's query string.
 */
class ErrorMessagesTest {

    private static final String SECRET = "s3cr3t-token";

    @Test
    void badUrl() {
        Cli.Run run = Cli.run("call", "--url", "ftp://127.0.0.1/mcp", "--tool", "echo");

        assertOneLine(run, ExitCodes.USAGE,
                "error: invalid --url: url scheme must be http or https, but was 'ftp'");
    }

    @Test
    void urlWithCredentialsIsRefusedWithoutShowingThem() {
        Cli.Run run = Cli.run("call", "--url", "http://alice:" + SECRET + "@127.0.0.1/mcp", "--tool", "echo");

        assertOneLine(run, ExitCodes.USAGE, "error: invalid --url: url must not contain user-info");
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable", "sse"})
    void nothingListening(String transport) throws IOException {
        int port = closedPort();
        String path = transport.equals("sse") ? "/sse" : "/mcp";
        Cli.Run run = Cli.run("call", "--transport", transport, "--url",
                "http://127.0.0.1:" + port + path + "?key=" + SECRET, "--tool", "echo");

        assertOneLine(run, ExitCodes.FAILURE,
                "error: nothing is listening at http://127.0.0.1:" + port + path + "?<redacted> (connection refused)");
    }

    @Test
    void nothingListeningStopsTheBenchBeforeItMeasures() throws IOException {
        int port = closedPort();
        Cli.Run run = Cli.run("bench", "--url", "http://127.0.0.1:" + port + "/mcp", "--calls", "5");

        assertOneLine(run, ExitCodes.FAILURE,
                "error: nothing is listening at http://127.0.0.1:" + port + "/mcp (connection refused)");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void notAnMcpServer() throws IOException {
        HttpServer web = htmlServer(200);
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/mcp";
            Cli.Run run = Cli.run("call", "--url", url, "--tool", "echo");

            assertOneLine(run, ExitCodes.FAILURE, "error: " + url + " does not look like an MCP server: it answered"
                    + " the initialize request with text/html, not JSON-RPC");
        } finally {
            web.stop(0);
        }
    }

    @Test
    void notAnMcpEndpoint() throws IOException {
        HttpServer web = htmlServer(404);
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/api";
            Cli.Run run = Cli.run("call", "--url", url, "--tool", "echo");

            assertOneLine(run, ExitCodes.FAILURE, "error: " + url + " is not an MCP endpoint (HTTP 404 Not Found);"
                    + " Streamable HTTP endpoints usually end in /mcp");
        } finally {
            web.stop(0);
        }
    }

    /** The SDK's SSE client only times out here; the command asks the endpoint what it is. */
    @Test
    void notAnMcpServerOverSse() throws IOException {
        HttpServer web = htmlServer(200);
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/sse";
            Cli.Run run = Cli.run("call", "--transport", "sse", "--timeout", "1s", "--url", url, "--tool", "echo");

            assertOneLine(run, ExitCodes.FAILURE, "error: " + url + " does not look like an MCP server: its SSE"
                    + " endpoint answered with text/html, not text/event-stream");
        } finally {
            web.stop(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable", "sse"})
    void credentialsRejected(String transport) {
        try (TestMcpServer server = TestMcpServer.start()) {
            server.respondWith(401);
            String url = transport.equals("sse") ? server.baseUrl() + "/sse" : server.streamableUri().toString();
            Cli.Run run = Cli.run("call", "--transport", transport, "--timeout", "1s", "--url", url,
                    "--header", "Authorization: Bearer " + SECRET, "--tool", "echo");

            assertOneLine(run, ExitCodes.FAILURE, "error: the server at " + url
                    + " rejected the credentials (HTTP 401 Unauthorized); check the --header values");
        }
    }

    @Test
    void credentialsRejectedForOneCallerOnly() {
        try (TestMcpServer server = TestMcpServer.start()) {
            server.rejectWhen(r -> ("Bearer " + SECRET).equals(r.header("authorization")), 403);
            String url = server.streamableUri().toString();
            Cli.Run rejected = Cli.run("call", "--url", url, "-H", "Authorization: Bearer " + SECRET,
                    "--tool", "echo", "--args", "{\"text\":\"x\"}");
            Cli.Run accepted = Cli.run("call", "--url", url, "-H", "Authorization: Bearer other",
                    "--tool", "echo", "--args", "{\"text\":\"x\"}");

            assertOneLine(rejected, ExitCodes.FAILURE, "error: the server at " + url
                    + " rejected the credentials (HTTP 403 Forbidden)");
            assertThat(accepted.exitCode()).as(accepted.err()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void unknownTool() {
        try (TestMcpServer server = TestMcpServer.start()) {
            String url = server.streamableUri().toString();
            Cli.Run run = Cli.run("call", "--url", url, "--tool", "nosuch");

            assertOneLine(run, ExitCodes.FAILURE, "error: the server at " + url + " has no tool 'nosuch' (its tools: ");
            assertThat(run.err()).contains("echo", "whoami", "counter", "sleep");
        }
    }

    @Test
    void unknownToolStopsTheBench() {
        Cli.Run run = Cli.run("bench", "--tool", "nosuch", "--calls", "5");

        assertOneLine(run, ExitCodes.FAILURE, "error: the server at http://127.0.0.1:");
        assertThat(run.err()).contains("/mcp has no tool 'nosuch'");
    }

    @Test
    void badJsonInArgs() {
        Cli.Run run = Cli.run("call", "--url", "http://127.0.0.1:1/mcp", "--tool", "echo", "--args", "{text: hi}");

        assertOneLine(run, ExitCodes.USAGE, "error: Invalid value for option '--args': not valid JSON: Unexpected"
                + " character ('t' (code 116)): was expecting double-quote to start property name (line 1, column 2)");
    }

    @Test
    void argsThatAreNotAnObject() {
        Cli.Run run = Cli.run("call", "--url", "http://127.0.0.1:1/mcp", "--tool", "echo", "--args", "[1, 2]");

        assertOneLine(run, ExitCodes.USAGE, "error: Invalid value for option '--args': expected a JSON object such"
                + " as {\"text\":\"hello\"}, but was an array");
    }

    @Test
    void malformedHeaderIsNotEchoed() {
        Cli.Run run = Cli.run("call", "--url", "http://127.0.0.1:1/mcp", "--tool", "echo", "--header", SECRET);

        assertOneLine(run, ExitCodes.USAGE, "error: Invalid value for option '--header' (NAME:VALUE): expected"
                + " NAME:VALUE");
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        int port = closedPort();
        Cli.Run run = Cli.run("call", "--verbose", "--url", "http://127.0.0.1:" + port + "/mcp", "--tool", "echo");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.errLines().get(0)).startsWith("error: nothing is listening at");
        assertThat(run.err()).contains("SessionCreationException", "\tat ");
    }

    @Test
    void benchOptionsAreChecked() {
        Cli.Run run = Cli.run("bench", "--calls", "0");

        assertOneLine(run, ExitCodes.USAGE, "error: --calls must be positive, but was 0");
    }

    private static void assertOneLine(Cli.Run run, int exitCode, String start) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(exitCode);
        assertThat(run.errLines()).as("stderr").singleElement().asString().startsWith(start);
        assertThat(run.err()).doesNotContain(SECRET).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** A port on 127.0.0.1 that was free a moment ago and has nothing listening now. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A web server that is not an MCP server: every path answers an HTML page with this status. */
    private static HttpServer htmlServer(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = "<!doctype html><html><body>Welcome</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(status, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
        server.start();
        return server;
    }
}
