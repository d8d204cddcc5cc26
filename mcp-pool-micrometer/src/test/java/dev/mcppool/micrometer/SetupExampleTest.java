package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.testing.TestMcpServer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The README's three-line setup, compiled and run. */
class SetupExampleTest {

    @Test
    void setupFromTheReadme() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (TestMcpServer server = TestMcpServer.start()) {
            // tag::setup[]
            McpPoolMetrics metrics = new McpPoolMetrics(registry);
            McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().listener(metrics).build());
            metrics.bindTo(pool);
            // end::setup[]
            try (pool) {
                McpTarget target = McpTarget.streamableHttp(server.streamableUri().toString());
                pool.call(target, CallerIdentity.user("bob"), client -> client.ping());

                assertThat(registry.get("mcp.pool.sessions").tag("state", "idle").gauge().value()).isEqualTo(1);
                assertThat(registry.get("mcp.pool.acquire.wait").timer().count()).isEqualTo(1);
            }
            assertThat(registry.getMeters()).isEmpty();
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
        }
    }
}
