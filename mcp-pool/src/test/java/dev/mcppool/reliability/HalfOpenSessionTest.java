package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.AcquireInterruptedException;
import dev.mcppool.CallerIdentity;
import dev.mcppool.Door;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.SessionCreationException;
import dev.mcppool.TestPool;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session the server opened while the pool was giving up on it (creation timed out, or the creating thread was
 * interrupted) must still be closed: otherwise the server holds a session nobody will ever use or delete. A proxy
 * holds the server's answers back, so the server has opened the session when the pool gives up.
 */
class HalfOpenSessionTest extends ReliabilityFixture {

    private static final CallerIdentity ALICE = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));

    private SlowResponseProxy proxy;

    @BeforeEach
    void startProxy() throws Exception {
        proxy = new SlowResponseProxy(server.port());
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aCreationThatTimesOutAfterTheServerOpenedTheSessionLeavesNothingOpen(Door door) {
        McpTarget target = McpTarget.streamableHttp(proxy.url("/mcp"));
        TestPool warmUp = pool(door, realTimeConfig().build());
        warmUp.echo(target, CallerIdentity.user("warm-up"), "x");
        warmUp.close();
        TestPool pool = pool(door, realTimeConfig().createTimeout(Duration.ofMillis(500)).build());
        int before = baseline();

        proxy.delayResponses(1_000);
        assertThatThrownBy(() -> pool.acquire(target, ALICE)).isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("TimeoutException");
        assertThat(pool.stats().totalSessions()).isZero();
        proxy.delayResponses(0);

        // The server opened the session; the pool must close it (DELETE), not forget it.
        server.awaitLiveSessions(before, Duration.ofSeconds(5));
    }

    /** Sync only: an interrupt is how a blocked caller of the sync door gives up. */
    @Test
    void aCreationInterruptedAfterTheServerOpenedTheSessionJoinsThePoolAndIsClosedWithIt() throws Exception {
        McpSessionPool pool = syncPool(realTimeConfig().createTimeout(Duration.ofSeconds(5)).build());
        McpTarget target = McpTarget.streamableHttp(proxy.url("/mcp"));
        pool.call(target, CallerIdentity.user("warm-up"), c -> Calls.echo(c, "x"));
        pool.drain();
        int before = baseline();

        proxy.delayResponses(1_000);
        long initializes = server.initializeCount();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                pool.acquire(target, ALICE).close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        caller.start();
        Awaitility.await().until(() -> server.initializeCount() > initializes && server.liveSessions() == before + 1);
        caller.interrupt();
        caller.join(5_000);
        assertThat(failure.get()).isInstanceOf(AcquireInterruptedException.class)
                .hasMessageContaining("interrupted while opening a session");
        proxy.delayResponses(0);

        // The pool finishes the interrupted handshake in the background: the session the server opened is the
        // pool's, idle for the next caller, and closed (DELETE) with the pool.
        Awaitility.await().until(() -> pool.stats().idle() == 1 && pool.stats().creating() == 0);
        assertThat(pool.stats().leased()).isZero();
        pool.close();
        server.awaitLiveSessions(before, Duration.ofSeconds(8));
    }

    /**
     * A health check that timed out is abandoned, not cancelled: its ping still reaches the server, after the pool
     * discarded and deleted the session. The server answers 404 for the deleted session, and the SDK's client then
     * re-initializes itself in the background: a new session on the server that nobody holds or closes.
     */
    @ParameterizedTest
    @EnumSource(Door.class)
    void aHealthCheckThatTimedOutDoesNotReopenTheSessionAfterItWasDiscarded(Door door) throws Exception {
        TestPool pool = pool(door, realTimeConfig().healthCheckInterval(Duration.ZERO)
                .healthCheckMethods(dev.mcppool.HealthCheckMethod.PING)
                .healthCheckTimeout(Duration.ofMillis(200)).build());
        pool.echo(target(), ALICE, "x");
        int before = baseline() - 1;
        long initializes = server.initializeCount();
        // Pings reach the MCP server 600 ms late; the DELETE of the discarded session does not wait.
        server.rejectWhen(r -> {
            if (r.isJsonRpc("ping")) {
                sleepQuietly(600);
            }
            return false;
        }, 500);

        // The idle session is pinged before reuse; the ping times out, the session is discarded (DELETE) and a new
        // one is opened for the caller.
        pool.echo(target(), ALICE, "y");
        assertThat(pool.stats().healthCheckFailures()).isEqualTo(1);
        Awaitility.await().pollDelay(Duration.ofMillis(1_500)).until(() -> true);
        server.clearFaults();

        assertThat(server.initializeCount() - initializes).as("initialize requests after the discard").isEqualTo(1);
        server.awaitLiveSessions(before + pool.stats().idle(), Duration.ofSeconds(5));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sessions left on the server by an earlier failed test of this class, so one failure does not hide another. */
    private static int baseline() {
        Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        return server.liveSessions();
    }
}
