package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpTarget;
import dev.mcppool.StdioCommand;
import dev.mcppool.testing.StdioTestServer;

import io.modelcontextprotocol.spec.McpSchema.TextContent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * {@code bench --stdio}: real server processes (the Java test server of mcp-pool-testing, run on this test's class
 * path), started and stopped by the bench. After every test no process started by this JVM is left.
 */
class StdioBenchTest {

    private static final String SECRET = "s3cr3t-stdio-value";
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final String CLASS_PATH = System.getProperty("java.class.path");

    /** The --stdio string that runs the test server; the class path is single-quoted, as a shell user would. */
    private static String javaServer(String... options) {
        StringBuilder line = new StringBuilder(JAVA).append(" -cp '").append(CLASS_PATH).append("' ")
                .append(StdioTestServer.class.getName());
        for (String option : options) {
            line.append(' ').append(option);
        }
        return line.toString();
    }

    @AfterEach
    void noProcessIsLeft() {
        List<ProcessHandle> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        String described = alive.stream()
                .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .collect(Collectors.joining(", "));
        alive.forEach(ProcessHandle::destroyForcibly);
        assertThat(alive).as("processes of this JVM still alive after the test: %s", described).isEmpty();
    }

    /**
     * One thread: the test server runs on the SDK 2.1.0 stdio server transport, which now and then loses or garbles a
     * response when one session answers concurrent requests (the reused-session mode with several threads), and
     * the SDK client then waits past its timeout. The npm server below is measured with concurrent threads.
     */
    @Test
    void benchAgainstAStdioServer() {
        Cli.Run run = Cli.run("bench", "--json", "--stdio", javaServer(), "--calls", "30", "--new-session-calls", "5",
                "--tool", "echo", "--args", "{\"text\":\"hi\"}", "--env", "BENCH_TOKEN=" + SECRET,
                "--concurrency", "1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        JsonNode json = run.json();
        JsonNode setup = json.get("setup");
        assertThat(setup.get("url").asString()).isEqualTo("stdio:java");
        assertThat(setup.get("transport").asString()).isEqualTo("stdio");
        assertThat(setup.get("calls").asInt()).isEqualTo(30);
        assertThat(setup.get("newSessionCalls").asInt()).isEqualTo(5);
        assertThat(setup.get("newSessionWarmup").asInt()).as("warm-up scaled like the calls, at most them")
                .isEqualTo(5);
        JsonNode modes = json.get("modes");
        for (String mode : new String[] {"newSessionPerCall", "pool", "singleSession"}) {
            assertThat(modes.get(mode).get("errors").asInt()).as(mode + ": " + modes.get(mode)).isZero();
            assertThat(modes.get(mode).get("p50Ms").asDouble()).as(mode).isPositive();
        }
        assertThat(modes.get("newSessionPerCall").get("calls").asInt()).isEqualTo(5);
        assertThat(modes.get("newSessionPerCall").get("sessionsCreated").asLong())
                .as("one server process started per measured call").isEqualTo(5);
        assertThat(modes.get("pool").get("calls").asInt()).isEqualTo(30);
        assertThat(modes.get("pool").get("sessionsCreated").asLong()).as("at most users x concurrency processes")
                .isBetween(1L, 4L * 1L);
        assertThat(modes.get("singleSession").get("sessionsCreated").asLong()).isEqualTo(1);
        assertThat(run.out() + run.err()).doesNotContain(SECRET).doesNotContain(CLASS_PATH)
                .doesNotContain(StdioTestServer.class.getName());
    }

    /** The npm reference server in stdio mode, installed by {@code npm ci --prefix interop} as for the HTTP tests. */
    @Test
    void benchAgainstTheNpmReferenceServerOverStdio() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("interop/package.json"))) {
            root = root.getParent();
        }
        assertThat(root).as("a directory with interop/package.json above the working directory").isNotNull();
        Path script = root.resolve("interop/node_modules/" + EverythingServer.PACKAGE + "/dist/index.js");
        assertThat(script).as("the npm reference server; run `npm ci --prefix interop`").isRegularFile();
        String node = System.getProperty("mcp.interop.node", "node");

        Cli.Run run = Cli.run("bench", "--json", "--stdio", node + " '" + script + "' stdio", "--calls", "20",
                "--new-session-calls", "2", "--warmup", "4", "--users", "2", "--concurrency", "2", "--tool", "echo",
                "--args", "{\"message\":\"hi\"}");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        JsonNode modes = run.json().get("modes");
        for (String mode : new String[] {"newSessionPerCall", "pool", "singleSession"}) {
            assertThat(modes.get(mode).get("errors").asInt()).as(mode + ": " + modes.get(mode)).isZero();
        }
        assertThat(modes.get("newSessionPerCall").get("sessionsCreated").asLong()).isEqualTo(2);
        assertThat(modes.get("pool").get("sessionsCreated").asLong()).isBetween(1L, 4L);
        assertThat(run.json().get("setup").get("url").asString()).isEqualTo("stdio:" + Path.of(node).getFileName());
        assertThat(run.out()).doesNotContain("index.js");
    }

    @Test
    void tableShowsTheCommandNameOnly() {
        Cli.Run run = Cli.run("bench", "--stdio", javaServer(), "--calls", "8", "--new-session-calls", "1",
                "--warmup", "4", "--users", "1", "--concurrency", "1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("server: stdio:java (stdio)")
                .contains("8 calls per mode (+4 warm-up), new session per call 1 (+1)");
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line).startsWith("new session per call")
                .endsWith(" 1"));
        assertThat(run.out()).doesNotContain(CLASS_PATH);
    }

    @Test
    void commandNotFound() {
        Cli.Run run = Cli.run("bench", "--stdio", "nosuchcmd-mcp-pool --token " + SECRET, "--calls", "5");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("error: cannot start stdio server 'nosuchcmd-mcp-pool': No such file or directory");
    }

    @Test
    void commandNotFoundWithVerboseStillHidesTheArguments() {
        Cli.Run run = Cli.run("bench", "--verbose", "--stdio", "nosuchcmd-mcp-pool --token " + SECRET, "--env",
                "OTHER_TOKEN=" + SECRET + "-env", "--calls", "5");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.errLines().get(0))
                .isEqualTo("error: cannot start stdio server 'nosuchcmd-mcp-pool': No such file or directory");
        assertThat(run.err()).contains("\tat ").doesNotContain(SECRET);
    }

    @Test
    void serverThatFailsOnStartShowsItsStderr() {
        Cli.Run run = Cli.run("bench", "--stdio", javaServer("--fail-on-start", "\"boom\""), "--calls", "5");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.errLines().get(0)).isEqualTo("error: stdio server 'java' exited with status 1 before"
                + " answering initialize; its last stderr lines:");
        assertThat(run.errLines().subList(1, run.errLines().size())).containsExactly("  starting the test server",
                "  boom");
        assertThat(run.err()).doesNotContain(CLASS_PATH).doesNotContain("Exception");
    }

    @Test
    void serverThatExitsDuringTheCallIsReportedAtOnce() {
        long began = System.nanoTime();
        Cli.Run run = Cli.run("bench", "--stdio", javaServer(), "--calls", "5", "--tool", "crash", "--args", "{}");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.errLines().get(0)).isEqualTo(
                "error: stdio server 'java' exited with status 3 during the call; its last stderr lines:");
        assertThat(run.errLines()).last().asString().isEqualTo("  crashing on request");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("not the 30s request timeout")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aNewSessionPerCallNeverLeavesItsProcessEvenWhenItHangs() {
        StdioCommand command = new StdioCommand(JAVA, List.of("-cp", CLASS_PATH, StdioTestServer.class.getName(),
                "--hang-on-start"), Map.of(), null);
        DirectSessions sessions = new DirectSessions(McpTarget.stdio(command), Duration.ofSeconds(3));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.open(CallerIdentity.user("alice")))
                .isInstanceOf(DirectSessions.StdioSessionException.class)
                .hasMessageStartingWith("stdio server 'java' did not answer initialize within 3s")
                .hasMessageContaining("hanging before initialize");
        assertThat(sessions.processesStarted()).isEqualTo(1);
        // noProcessIsLeft checks, without waiting, that the process is gone.
    }

    @Test
    void aNewSessionPerCallPassesTheEnvironment() {
        StdioCommand command = new StdioCommand(JAVA, List.of("-cp", CLASS_PATH, StdioTestServer.class.getName()),
                Map.of("BENCH_TOKEN", SECRET), null);
        DirectSessions sessions = new DirectSessions(McpTarget.stdio(command), Duration.ofSeconds(30));

        var result = sessions.callOnce(CallerIdentity.user("alice"),
                Tools.request("env", Map.of("name", "BENCH_TOKEN")));

        assertThat(((TextContent) result.content().get(0)).text()).isEqualTo(SECRET);
        assertThat(sessions.processesStarted()).isEqualTo(1);
    }

    @Test
    void stdioOptionsAreChecked() {
        List<String[]> invalid = new ArrayList<>();
        invalid.add(new String[] {"bench", "--stdio", "node s.js", "--url", "http://127.0.0.1:1/mcp"});
        invalid.add(new String[] {"bench", "--env", "A=b"});
        invalid.add(new String[] {"bench", "--stdio", "node s.js", "--header", "Authorization: " + SECRET});
        invalid.add(new String[] {"bench", "--stdio", "node s.js", "--transport", "sse"});
        invalid.add(new String[] {"bench", "--stdio", "node 's.js --token " + SECRET});
        invalid.add(new String[] {"bench", "--stdio", "  "});
        invalid.add(new String[] {"bench", "--stdio", "node s.js", "--env", SECRET});
        invalid.add(new String[] {"bench", "--stdio", "node s.js", "--env", "A=" + SECRET, "--env", "A=x"});
        invalid.add(new String[] {"bench", "--stdio", "node", "s.js", "--token", SECRET});
        invalid.add(new String[] {"bench", "--stdio", "node s.js", "--new-session-calls", "0"});
        List<String> expected = List.of(
                "error: --url and --stdio cannot be used together",
                "error: --env is for --stdio servers only",
                "error: --header is for --url; give a --stdio server its settings with --env NAME=VALUE",
                "error: --transport is for --url; a --stdio server always speaks stdio",
                "error: invalid --stdio: unterminated single quote",
                "error: invalid --stdio: the command is empty",
                "error: Invalid value for option '--env' (NAME=VALUE): expected NAME=VALUE",
                "error: --env A is given twice",
                "error: unexpected arguments (not shown); give the whole server command line as one quoted string",
                "error: --new-session-calls must be positive, but was 0");
        for (int i = 0; i < invalid.size(); i++) {
            Cli.Run run = Cli.run(invalid.get(i));
            assertThat(run.exitCode()).as("%s: %s", String.join(" ", expected.get(i)), run.err())
                    .isEqualTo(ExitCodes.USAGE);
            assertThat(run.errLines()).as(expected.get(i)).singleElement().asString().startsWith(expected.get(i));
            assertThat(run.err()).doesNotContain(SECRET);
        }
    }
}
