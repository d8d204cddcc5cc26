package dev.mcppool;

import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.ManualClock;
import dev.mcppool.testing.TestMcpServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real test server per test class, pools made per test and per {@link Door} with a manual clock, and a leak
 * check after each test: every lease the test took is back, every pool closed with nothing leased and every permit
 * back, no live session left on the server, no pool thread alive.
 */
abstract class PoolFixture {

    static TestMcpServer server;

    final ManualClock clock = ManualClock.start();
    private final List<TestPool> pools = new ArrayList<>();
    private final List<Runnable> afterPools = new ArrayList<>();

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

    TestPool pool(Door door, PoolConfig config) {
        TestPool pool = TestPool.create(door, config);
        pools.add(pool);
        return pool;
    }

    TestPool pool(Door door) {
        return pool(door, config().build());
    }

    /** A blocking pool, for tests of what only the sync door has. */
    McpSessionPool pool(PoolConfig config) {
        return pool(Door.SYNC, config).sync();
    }

    McpSessionPool pool() {
        return pool(config().build());
    }

    /** An async pool whose hand-offs run on {@code executor}, for tests of what only the async door has. */
    McpAsyncSessionPool asyncPool(PoolConfig config, Executor executor) {
        McpAsyncSessionPool pool = McpAsyncSessionPool.create(config, executor);
        pools.add(TestPool.of(pool));
        return pool;
    }

    /** Runs a clean-up step (say, shutting down an executor pools use) after the pools are closed. */
    void afterPools(Runnable step) {
        afterPools.add(step);
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
        AssertionError first = TestPool.closeAllAndCheck(pools);
        afterPools.forEach(Runnable::run);
        try {
            server.awaitLiveSessions(0, Duration.ofSeconds(10));
        } catch (AssertionError e) {
            server.requests().forEach(r -> System.out.println("REQ " + r.method() + " " + r.path() + " "
                    + r.sessionId() + " " + r.jsonRpcMethod()));
            server.restart(); // so that the next test starts clean: one leak must not hide behind another
            first = first == null ? e : first;
        }
        for (TestPool pool : pools) {
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
        }
        if (first != null) {
            throw first;
        }
    }
}
