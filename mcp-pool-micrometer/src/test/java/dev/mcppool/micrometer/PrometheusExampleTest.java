package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.BreakerState;
import dev.mcppool.CallerIdentity;
import dev.mcppool.DiscardReason;
import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.Transport;
import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.TestMcpServer;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The README's Prometheus example, compiled and run against the test server. */
class PrometheusExampleTest {

    /** The README snippet is the code between the tag lines, as {@link ReadmeSnippetTest} checks. */
    static String example(String serverUrl, String token) {
        // tag::example[]
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        McpPoolMetrics metrics = new McpPoolMetrics(registry, Tags.of("app", "gateway"));
        try (McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().listener(metrics).build())) {
            metrics.bindTo(pool);

            McpTarget server = McpTarget.streamableHttp(serverUrl);
            CallerIdentity alice = CallerIdentity.of("alice", Map.of("Authorization", "Bearer " + token));
            pool.call(server, alice, client -> client.callTool(
                    CallToolRequest.builder("echo").arguments(Map.of("text", "hi")).build()));

            return registry.scrape(); // the body of GET /metrics
        }
        // end::example[]
    }

    @Test
    void scrapeShowsThePoolsMetersAndNoSecret() {
        try (TestMcpServer server = TestMcpServer.start()) {
            String scrape = example(server.streamableUri().toString(), "secret-token");

            String pool = "pool=\"(mcp-pool-\\d+)\"";
            String event = "server=\"127\\.0\\.0\\.1:" + server.port() + "\",transport=\"streamable_http\"";
            assertThat(scrape)
                    .containsPattern(line("mcp_pool_sessions\\{app=\"gateway\"," + pool + ",state=\"idle\"} 1\\.0"))
                    .containsPattern(line("mcp_pool_sessions\\{app=\"gateway\"," + pool + ",state=\"leased\"} 0\\.0"))
                    .containsPattern(line("mcp_pool_sessions\\{app=\"gateway\"," + pool + ",state=\"creating\"} 0\\.0"))
                    .containsPattern(line("mcp_pool_keys\\{app=\"gateway\"," + pool + "} 1\\.0"))
                    .containsPattern(line("mcp_pool_pending\\{app=\"gateway\"," + pool + "} 0\\.0"))
                    .containsPattern(line("mcp_pool_oldest_session_age_seconds\\{app=\"gateway\"," + pool + "} 0\\.\\d+"))
                    .containsPattern(line("mcp_pool_acquire_wait_seconds_count\\{app=\"gateway\",hit=\"false\","
                            + pool + "," + event + "} 1"))
                    .containsPattern(line("mcp_pool_session_creation_seconds_count\\{app=\"gateway\","
                            + "outcome=\"success\"," + pool + "," + event + "} 1"))
                    .doesNotContain("secret-token", "alice", "/mcp");
            Matcher name = Pattern.compile(pool).matcher(scrape);
            assertThat(name.find()).isTrue();
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
            Leaks.awaitNoThreads(name.group(1) + "-", Duration.ofSeconds(10));
        }
    }

    /** The Prometheus names the README's meter table lists, one per meter. */
    @Test
    void everyMeterHasThePrometheusNameTheReadmeLists() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        PoolKey key = new PoolKey("u", "http://127.0.0.1:1/mcp", "i", Transport.STREAMABLE_HTTP, "");
        try (McpSessionPool pool = McpSessionPool.create(
                PoolConfig.builder().backgroundHousekeeping(false).listener(metrics).build())) {
            metrics.bindTo(pool);
            metrics.acquired(key, true, Duration.ofMillis(1));
            metrics.sessionCreated(key, Duration.ofMillis(5));
            metrics.discarded(key, DiscardReason.TTL);
            metrics.healthChecked(key, HealthCheckMethod.PING, HealthCheckOutcome.PASSED);
            metrics.breakerStateChanged("http://127.0.0.1:1/mcp", BreakerState.CLOSED, BreakerState.OPEN);
            metrics.retriedAfterStaleSession(key);
            metrics.acquireTimedOut(key, Duration.ofSeconds(30));
            metrics.keyEvicted(key);

            Matcher families = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(registry.scrape());
            List<String> found = new ArrayList<>();
            while (families.find()) {
                found.add(families.group(1) + " " + families.group(2));
            }
            assertThat(found).containsExactlyInAnyOrder(
                    "mcp_pool_sessions gauge",
                    "mcp_pool_keys gauge",
                    "mcp_pool_pending gauge",
                    "mcp_pool_oldest_session_age_seconds gauge",
                    "mcp_pool_acquire_wait_seconds summary",
                    "mcp_pool_acquire_wait_seconds_max gauge",
                    "mcp_pool_session_creation_seconds summary",
                    "mcp_pool_session_creation_seconds_max gauge",
                    "mcp_pool_discards_total counter",
                    "mcp_pool_health_checks_total counter",
                    "mcp_pool_breaker_transitions_total counter",
                    "mcp_pool_retries_total counter",
                    "mcp_pool_acquire_timeouts_total counter",
                    "mcp_pool_keys_evicted_total counter");
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    private static Pattern line(String regex) {
        return Pattern.compile("^" + regex + "$", Pattern.MULTILINE);
    }
}
