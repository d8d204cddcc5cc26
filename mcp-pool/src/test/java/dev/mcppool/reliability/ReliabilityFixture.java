package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.Door;
import dev.mcppool.McpAsyncSessionPool;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolStats;
import dev.mcppool.TestPool;
import dev.mcppool.Transport;
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
 * One real test server per test class, pools made per test and per {@link Door}, and the leak check after each test
 * (item 6 of the suite): every lease the test took is back, every pool closed with nothing leased, idle, being
 * created or waiting; no live session left on the server; no thread of any pool alive.
 */
abstract class ReliabilityFixture {

    static TestMcpServer server;

    final ManualClock clock = ManualClock.start();
    private final List<TestPool> pools = new ArrayList<>();

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

    /** Real time, for tests whose pool must recover by itself (breaker open time passes on its own). */
    static PoolConfig.Builder realTimeConfig() {
        return PoolConfig.builder().backgroundHousekeeping(false).ttlJitter(0)
                .acquireTimeout(Duration.ofSeconds(10)).createTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(5)).closeTimeout(Duration.ofSeconds(2));
    }

    TestPool pool(Door door, PoolConfig config) {
        TestPool pool = TestPool.create(door, config);
        pools.add(pool);
        return pool;
    }

    /** A blocking pool, for tests of what only the sync door has (interrupts). */
    McpSessionPool syncPool(PoolConfig config) {
        return pool(Door.SYNC, config).sync();
    }

    /** An async pool, for tests of what only the async door has (cancelling the future). */
    McpAsyncSessionPool asyncPool(PoolConfig config) {
        return pool(Door.ASYNC, config).async();
    }

    static McpTarget target(Transport transport) {
        return transport == Transport.SSE
                ? McpTarget.sse(server.baseUrl() + "/sse")
                : McpTarget.streamableHttp(server.streamableUri().toString());
    }

    static McpTarget target() {
        return target(Transport.STREAMABLE_HTTP);
    }

    /** Nothing leased, being created or waiting, and every open session idle. */
    static void assertQuiescent(PoolStats stats) {
        assertThat(stats.leased()).as("leased").isZero();
        assertThat(stats.creating()).as("creating").isZero();
        assertThat(stats.pendingAcquires()).as("pending").isZero();
        assertThat(stats.totalSessions()).as("total sessions").isEqualTo(stats.idle());
    }

    @AfterEach
    void closePoolsAndCheckLeaks() {
        server.clearFaults();
        if (!server.isRunning()) {
            server.restart();
        }
        AssertionError first = TestPool.closeAllAndCheck(pools);
        try {
            server.awaitLiveSessions(0, Duration.ofSeconds(15));
        } catch (AssertionError e) {
            ServerSessions.dumpUndeleted(server);
            server.restart(); // so that the next test starts clean: one leak must not hide behind another
            first = first == null ? e : first;
        }
        for (TestPool pool : pools) {
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(15));
        }
        if (first != null) {
            throw first;
        }
    }
}
