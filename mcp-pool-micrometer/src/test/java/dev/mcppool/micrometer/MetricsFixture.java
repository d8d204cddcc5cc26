package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolListener;
import dev.mcppool.SessionLease;
import dev.mcppool.Ticker;
import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.ManualClock;
import dev.mcppool.testing.TestMcpServer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.spec.McpSchema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real test server and a {@link SimpleMeterRegistry} per test; pools made with a manual clock and bound to
 * metrics whose gauges read fresh stats on every read. After each test: no tag carries a secret, a user or a key
 * hash; every pool closes; no {@code mcp.pool.*} meter is left; no session is left on the server and no pool
 * thread alive.
 */
abstract class MetricsFixture {

    static final String TOKEN = "secret-token";
    static final String USER = "alice";
    static final CallerIdentity ALICE = CallerIdentity.of(USER, Map.of("Authorization", "Bearer " + TOKEN));

    final ManualClock clock = ManualClock.start();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TestMcpServer server;
    McpTarget target;

    private final List<McpSessionPool> pools = new ArrayList<>();
    private final Set<PoolKey> keys = ConcurrentHashMap.newKeySet();
    private final PoolListener keysSeen = new PoolListener() {
        @Override
        public void acquired(PoolKey key, boolean hit, Duration wait) {
            keys.add(key);
        }

        @Override
        public void sessionCreationFailed(PoolKey key, java.time.Duration duration, Throwable error) {
            keys.add(key);
        }
    };

    @BeforeEach
    void startServer() {
        server = TestMcpServer.start();
        target = McpTarget.streamableHttp(server.streamableUri().toString());
    }

    /** Test defaults: manual clock, housekeeping by hand, no TTL jitter. */
    PoolConfig.Builder config() {
        return PoolConfig.builder().ticker(clock::nanoTime).backgroundHousekeeping(false).ttlJitter(0)
                .acquireTimeout(Duration.ofSeconds(10)).createTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(10));
    }

    /** A pool bound to metrics (whose gauges read fresh stats on every read), created as the README shows. */
    McpSessionPool pool(PoolConfig.Builder config) {
        return pool(config, new McpPoolMetrics(registry, Tags.empty(), Ticker.system(), Duration.ZERO));
    }

    /** The pool also reports to a listener that remembers every key, for the check of tags. */
    McpSessionPool pool(PoolConfig.Builder config, McpPoolMetrics metrics) {
        McpSessionPool pool = McpSessionPool.create(config.listener(PoolListener.all(metrics, keysSeen)).build());
        pools.add(pool);
        metrics.bindTo(pool);
        return pool;
    }

    static String echo(SessionLease lease) {
        McpSchema.CallToolResult result = lease.client().callTool(echoRequest());
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    static McpSchema.CallToolRequest echoRequest() {
        return McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", "hi")).build();
    }

    /** One acquire, one echo call, one release. */
    void useOnce(McpSessionPool pool) {
        try (SessionLease lease = pool.acquire(target, ALICE)) {
            assertThat(echo(lease)).isEqualTo("hi");
        }
    }

    String serverTag() {
        return "127.0.0.1:" + server.port();
    }

    List<Meter> poolMeters() {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("mcp.pool.")).toList();
    }

    @AfterEach
    void checkTagsThenCloseAndCheckLeaks() {
        try {
            assertNoSecretInTags();
            for (McpSessionPool pool : pools) {
                pool.close();
            }
            assertThat(poolMeters()).as("mcp.pool meters left after every pool closed").isEmpty();
            server.clearFaults();
            server.clearInitializeFault();
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
            for (McpSessionPool pool : pools) {
                Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
            }
        } finally {
            pools.forEach(McpSessionPool::close);
            server.close();
        }
    }

    private void assertNoSecretInTags() {
        Set<String> secrets = new HashSet<>(Set.of(TOKEN, USER, "bearer"));
        for (PoolKey key : keys) {
            for (String hash : List.of(key.userHash(), key.identityHash(), key.scopeHash())) {
                if (hash.length() >= 8) {
                    secrets.add(hash.substring(0, 8));
                }
            }
        }
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).as("tag %s of %s", tag.getKey(), meter.getId().getName())
                        .doesNotContain("/");
                assertThat(tag.getValue()).as("tag %s of %s", tag.getKey(), meter.getId().getName())
                        .doesNotContainIgnoringCase(secrets.toArray(String[]::new));
            }
        }
    }
}
