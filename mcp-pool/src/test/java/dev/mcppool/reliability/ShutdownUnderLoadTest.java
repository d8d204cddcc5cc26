package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.CallerIdentity;
import dev.mcppool.Door;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolClosedException;
import dev.mcppool.TestPool;
import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.TestMcpServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Item 5: {@code close()} while 500 callers (500 threads, 50 users, 10 sessions each) are in the middle of a call
 * to the {@code sleep} tool (20 s). It returns within its deadline, the server sees every session closed, no pool
 * thread is left, the callers are released, and later calls fail with {@link PoolClosedException}. Through both
 * doors.
 */
class ShutdownUnderLoadTest extends ReliabilityFixture {

    private static final int CALLERS = 500;
    private static final int USERS = 50;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** A server with enough threads to run all 500 sleeping calls at once and still answer the DELETEs. */
    @BeforeAll
    static void biggerServer() {
        server.close();
        server = TestMcpServer.builder().maxThreads(CALLERS + 200).start();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void closeWhileFiveHundredCallersAreMidCall(Door door) throws Exception {
        TestPool pool = pool(door, realTimeConfig().maxSessionsPerKey(CALLERS / USERS).maxTotalSessions(1_000)
                .acquireTimeout(Duration.ofSeconds(60)).createTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(40)).closeTimeout(CLOSE_TIMEOUT).build());
        McpTarget target = target();
        long toolCalls = server.toolCallCount();
        long deletes = server.deleteCount();
        Tally seen = new Tally();
        CountDownLatch returned = new CountDownLatch(CALLERS);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            CallerIdentity user = CallerIdentity.of("user-" + (i % USERS), Map.of("Authorization", "Bearer t" + (i
                    % USERS)));
            Thread caller = new Thread(() -> {
                try {
                    pool.call(target, user, "sleep", Map.of("ms", 20_000));
                    seen.add(new IllegalStateException("the call returned normally"));
                } catch (RuntimeException e) {
                    seen.add(e);
                } finally {
                    returned.countDown();
                }
            }, "shutdown-caller-" + i);
            callers.add(caller);
            caller.start();
        }
        long began = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            var stats = pool.stats();
            String state = "tool calls on the server " + (server.toolCallCount() - toolCalls) + ", callers seen "
                    + seen + ", pool " + stats;
            assertThat(stats.leased()).as("leased; %s", state).isEqualTo(CALLERS);
            assertThat(server.toolCallCount() - toolCalls).as("tool calls; %s", state)
                    .isGreaterThanOrEqualTo(CALLERS);
        });
        long onTheServer = server.toolCallCount() - toolCalls;
        Duration rampUp = Duration.ofNanos(System.nanoTime() - began);
        assertThat(server.liveSessions()).isEqualTo(CALLERS);

        long initializes = server.initializeCount();
        long closing = System.nanoTime();
        pool.close();
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);

        boolean allReturned = returned.await(20, TimeUnit.SECONDS);
        Duration callersReleased = Duration.ofNanos(System.nanoTime() - closing);
        AssertionError serverLeft = null;
        try {
            server.awaitLiveSessions(0, Duration.ofSeconds(15));
        } catch (AssertionError e) {
            serverLeft = e;
            ServerSessions.dumpUndeleted(server);
        }
        Duration serverEmpty = Duration.ofNanos(System.nanoTime() - closing);
        Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(15));
        Duration threadsGone = Duration.ofNanos(System.nanoTime() - closing);
        Row.print("shutdown", door + " callers=" + CALLERS + " threads=" + CALLERS + " sessions=" + CALLERS
                + " toolCallsOnServer=" + onTheServer + " rampUp=" + rampUp.toMillis() + "ms close()="
                + closeTook.toMillis() + "ms (closeTimeout " + CLOSE_TIMEOUT.toMillis() + "ms) callersReturnedAfter="
                + callersReleased.toMillis() + "ms serverLive=" + server.liveSessions() + " serverEmptyAfter="
                + serverEmpty.toMillis() + "ms poolThreadsGoneAfter=" + threadsGone.toMillis() + "ms deletes="
                + (server.deleteCount() - deletes) + " initializesAfterClose=" + (server.initializeCount() - initializes)
                + " staleRetries=" + pool.stats().staleRetries() + " callersSaw=" + seen);
        if (serverLeft != null) {
            throw serverLeft;
        }
        assertThat(allReturned).as("every caller returned within 20 s of close()").isTrue();
        assertThat(closeTook).as("close() duration").isLessThan(CLOSE_TIMEOUT.multipliedBy(4));
        assertThat(pool.stats().totalSessions()).isZero();
        assertThat(seen.snapshot().keySet()).as(seen.toString()).noneMatch(k -> k.startsWith("IllegalStateException"));
        assertThatThrownBy(() -> pool.echo(target, CallerIdentity.user("late"), "x"))
                .isInstanceOf(PoolClosedException.class).hasMessage("pool " + pool.name() + " is closed");
    }
}
