package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.TestMcpServer;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;

/** Small workloads only: the bench's numbers are not asserted, its accounting is. */
class BenchCommandTest {

    private static final int CALLS = 40;
    private static final int USERS = 3;
    private static final int CONCURRENCY = 2;

    @Test
    void benchAgainstTheEmbeddedServer() {
        Cli.Run run = Cli.run("bench", "--json", "--calls", String.valueOf(CALLS), "--users", String.valueOf(USERS),
                "--concurrency", String.valueOf(CONCURRENCY), "--warmup", "5");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).as("no progress bar when stderr is not a terminal").isEmpty();
        JsonNode json = run.json();
        assertAccounting(json);
        assertThat(json.get("setup").get("embeddedServer").asBoolean()).isTrue();
        assertThat(json.get("speedup").get("poolVsNewSessionP50").asDouble()).isPositive();
        assertThat(json.get("speedup").get("poolVsNewSessionThroughput").asDouble()).isPositive();
        assertThat(json.get("speedup").get("poolOverheadOverSingleSessionP50").asDouble()).isPositive();
        Leaks.awaitNoThreads(TestMcpServer.THREAD_NAME_PREFIX, Duration.ofSeconds(10));
        Leaks.awaitNoThreads("mcp-pool-", Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable", "sse"})
    void benchAgainstAGivenUrl(String transport) {
        try (TestMcpServer server = TestMcpServer.start()) {
            String url = transport.equals("sse") ? server.baseUrl() + "/sse" : server.streamableUri().toString();
            Cli.Run run = Cli.run("bench", "--json", "--url", url, "--transport", transport, "--calls",
                    String.valueOf(CALLS), "--users", String.valueOf(USERS), "--concurrency",
                    String.valueOf(CONCURRENCY), "--warmup", "0", "--tool", "counter", "--args", "{}",
                    "--header", "X-Bench: yes");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
            assertAccounting(run.json());
            assertThat(run.json().get("setup").get("url").asString()).isEqualTo(url);
            // Every session of every mode was closed: no session is left on the server.
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void tableForPeople() {
        Cli.Run run = Cli.run("bench", "--calls", "10", "--users", "2", "--concurrency", "2", "--warmup", "0");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line).startsWith("mode").contains("calls",
                "errors", "calls/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "sessions"));
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line).startsWith("new session per call"));
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line).startsWith("pool "));
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line).startsWith("one reused session"));
        assertThat(run.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("pool vs new session per call: ").contains("lower p50", "the throughput",
                        "pool overhead over one reused session");
    }

    private static void assertAccounting(JsonNode json) {
        JsonNode modes = json.get("modes");
        for (String mode : new String[] {"newSessionPerCall", "pool", "singleSession"}) {
            assertThat(modes.get(mode).get("calls").asInt()).as(mode).isEqualTo(CALLS);
            assertThat(modes.get(mode).get("errors").asInt()).as(mode + " errors: " + modes.get(mode)).isZero();
            assertThat(modes.get(mode).get("p50Ms").asDouble()).as(mode).isPositive();
            assertThat(modes.get(mode).get("p99Ms").asDouble()).as(mode)
                    .isGreaterThanOrEqualTo(modes.get(mode).get("p50Ms").asDouble());
        }
        assertThat(modes.get("newSessionPerCall").get("sessionsCreated").asLong()).isEqualTo(CALLS);
        assertThat(modes.get("pool").get("sessionsCreated").asLong()).isBetween((long) USERS, (long) USERS * CONCURRENCY);
        assertThat(modes.get("singleSession").get("sessionsCreated").asLong()).isEqualTo(1);
    }
}
