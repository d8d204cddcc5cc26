package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.ManualClock;
import dev.mcppool.testing.TestMcpServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real test server per test class, pools made per test with a manual clock, and a leak check after each
 * test: every pool closed, no live session left on the server, no pool thread alive.
 */
abstract class PoolFixture {

    static TestMcpServer server;

    final ManualClock clock = ManualClock.start();
    private final List<McpSessionPool> pools = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = TestMcpServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Defaults for tests: manual clock, housekeeping driven by hand, no TTL jitter. */
    PoolConfig.Builder config() {
        return PoolConfig.builder().ticker(clock::nanoTime).backgroundHousekeeping(false).ttlJitter(0)
                .acquireTimeout(Duration.ofSeconds(10)).createTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(10));
    }

    McpSessionPool pool(PoolConfig config) {
        McpSessionPool pool = McpSessionPool.create(config);
        pools.add(pool);
        return pool;
    }

    McpSessionPool pool() {
        return pool(config().build());
    }

    static McpTarget target(Transport transport) {
        return transport == Transport.SSE
                ? McpTarget.sse(server.baseUrl() + "/sse")
                : McpTarget.streamableHttp(server.streamableUri().toString());
    }

    @AfterEach
    void closePoolsAndCheckLeaks() {
        server.clearFaults();
        server.clearInitializeFault();
        for (McpSessionPool pool : pools) {
            pool.close();
            assertThat(pool.stats().totalSessions()).isZero();
        }
        try {
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
        } catch (AssertionError e) {
            server.requests().forEach(r -> System.out.println("REQ " + r.method() + " " + r.path() + " "
                    + r.sessionId() + " " + r.jsonRpcMethod()));
            throw e;
        }
        for (McpSessionPool pool : pools) {
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
        }
    }
}
