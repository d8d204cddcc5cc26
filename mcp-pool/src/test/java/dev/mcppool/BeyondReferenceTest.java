package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.RecordedRequest;
import dev.mcppool.testing.WhoAmI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What the reference pool lacked: conversation scope, stale-session recovery, global bounds, warm-up, drain. */
class BeyondReferenceTest extends PoolFixture {

    private static final String DOORS_AND_TRANSPORTS = "dev.mcppool.Door#withHttpTransports";
    private static final CallerIdentity ALICE = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));

    /** The {@code counter} tool through the pool's call, for ALICE in a conversation scope (null for none). */
    private static int counter(TestPool pool, McpTarget target, String scope) {
        return Integer.parseInt(TestPool.text(pool.call(target, ALICE, "counter", Map.of(), scope)).strip());
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void twoConversationsOfOneUserNeverShareServerState(Door door, Transport transport) {
        var pool = pool(door);
        var target = target(transport);
        int one = 0;
        int two = 0;
        for (int i = 0; i < 5; i++) {
            one = counter(pool, target, "conversation-1");
            if (i < 3) {
                two = counter(pool, target, "conversation-2");
            }
        }
        assertThat(one).isEqualTo(5);
        assertThat(two).isEqualTo(3);

        // Without a scope both conversations share the user's session: the counter reaches 8.
        var shared = pool(door);
        int last = 0;
        for (int i = 0; i < 8; i++) {
            last = counter(shared, target, null);
        }
        assertThat(last).isEqualTo(8);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void perCallHeadersReachOnlyTheirOwnCall(Door door, Transport transport) {
        var pool = pool(door);
        String sessionId;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            lease.setCallHeaders(Map.of("traceparent", "00-aaaa-01"));
            WhoAmI first = lease.whoami();
            lease.setCallHeaders(Map.of("traceparent", "00-bbbb-01"));
            WhoAmI second = lease.whoami();
            assertThat(first.header("traceparent")).isEqualTo("00-aaaa-01");
            assertThat(second.header("traceparent")).isEqualTo("00-bbbb-01");
            assertThat(second.sessionId()).isEqualTo(first.sessionId());
            sessionId = first.sessionId();
        }
        try (var lease = pool.acquire(target(transport), ALICE)) {
            WhoAmI next = lease.whoami();
            assertThat(next.sessionId()).isEqualTo(sessionId);
            assertThat(next.header("traceparent")).isNull();
            assertThat(next.header("authorization")).isEqualTo("Bearer a");
        }
        assertThat(pool.route(target(transport), ALICE.withHeader("traceparent", "00-cccc-01")).key())
                .isEqualTo(pool.route(target(transport), ALICE).key());
    }

    /**
     * A call the server rejected because it no longer knew the session must never reach the caller: it is retried.
     * A call in flight at the very moment the server drops its sessions may fail without an answer (a timeout, or on
     * SSE a 500 from the old transport): it may have run, so it is not retried, and a few are tolerated here.
     */
    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void callersKeepSucceedingWhileTheServerForgetsItsSessions(Door door, Transport transport) throws Exception {
        var pool = pool(door, config().maxSessionsPerKey(4).requestTimeout(Duration.ofSeconds(2)).build());
        var target = target(transport);
        int threads = 4;
        var rejected = new AtomicInteger();
        var ambiguous = new AtomicInteger();
        var calls = new AtomicInteger();
        var stop = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(executor.submit(() -> {
                while (!stop.get()) {
                    try {
                        assertThat(pool.echo(target, ALICE, "x")).isEqualTo("x");
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (dev.mcppool.internal.Failures.isSessionNotFound(e)) {
                            rejected.incrementAndGet();
                        } else {
                            ambiguous.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (int round = 0; round < 3; round++) {
            int before = calls.get();
            Awaitility.await().until(() -> calls.get() > before + 20);
            server.forgetAllSessions();
        }
        int before = calls.get();
        Awaitility.await().until(() -> calls.get() > before + 20);
        stop.set(true);
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        executor.shutdown();

        assertThat(rejected.get()).isZero();
        assertThat(ambiguous.get()).isLessThan(calls.get() / 10);
        assertThat(pool.stats().staleRetries()).isPositive();
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void callsRetryOnceWhenTheServerForgotTheSession(Door door, Transport transport) {
        var pool = pool(door, config().requestTimeout(Duration.ofSeconds(5)).build());
        var target = target(transport);
        assertThat(pool.echo(target, ALICE, "one")).isEqualTo("one");
        server.forgetAllSessions();
        assertThat(pool.echo(target, ALICE, "two")).isEqualTo("two");
        assertThat(pool.stats().staleRetries()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void callersRecoverAfterTheServerRestartsOnTheSamePort(Door door) {
        var pool = pool(door);
        var target = target(Transport.STREAMABLE_HTTP);
        assertThat(pool.echo(target, ALICE, "before")).isEqualTo("before");
        server.restart();
        assertThat(pool.echo(target, ALICE, "after")).isEqualTo("after");
        assertThat(pool.stats().staleRetries()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void aConnectionDroppedMidCallIsAClearErrorAndIsNotRetried(Door door, Transport transport) {
        var pool = pool(door, config().requestTimeout(Duration.ofSeconds(3)).build());
        var target = target(transport);
        pool.echo(target, ALICE, "warm");
        long toolCalls = server.toolCallCount();
        server.dropNextToolCall();
        assertThatThrownBy(() -> pool.echo(target, ALICE, "dropped"))
                .isInstanceOf(RuntimeException.class);
        assertThat(server.toolCallCount()).isEqualTo(toolCalls);
        assertThat(pool.stats().staleRetries()).isZero();
        assertThat(pool.stats().idle()).isZero();
        assertThat(pool.echo(target, ALICE, "next")).isEqualTo("next");
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void theGlobalCapIsNeverExceededByManyThreadsOverManyKeys(Door door) throws Exception {
        var pool = pool(door, config().maxSessionsPerKey(2).maxTotalSessions(6).build());
        var target = target(Transport.STREAMABLE_HTTP);
        var peak = new AtomicInteger();
        var start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(10);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            futures.add(executor.submit(() -> {
                start.await();
                for (int i = 0; i < 30; i++) {
                    var caller = CallerIdentity.user("user-" + ThreadLocalRandom.current().nextInt(12));
                    pool.echo(target, caller, "x");
                    peak.accumulateAndGet(server.liveSessions(), Math::max);
                    peak.accumulateAndGet(pool.stats().totalSessions(), Math::max);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        executor.shutdown();
        assertThat(peak.get()).isLessThanOrEqualTo(6);
        assertThat(pool.stats().totalSessions()).isLessThanOrEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void a401ForOneIdentityLeavesTheBreakerClosedForEveryoneElse(Door door) {
        var pool = pool(door, config().breakerFailureThreshold(2).build());
        var target = target(Transport.STREAMABLE_HTTP);
        server.rejectWhen(r -> "Bearer stolen".equals(r.header("authorization")), 401);
        var mallory = CallerIdentity.of("mallory", Map.of("Authorization", "Bearer stolen"));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> pool.acquire(target, mallory))
                    .isInstanceOfSatisfying(SessionCreationException.class,
                            e -> assertThat(e.isCallerSpecific()).isTrue())
                    .hasMessageContaining("401");
        }
        assertThat(pool.echo(target, ALICE, "fine")).isEqualTo("fine");
        assertThat(pool.stats().breakerTrips()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void keepalivePingsIdleSessionsInTheBackground(Door door) {
        var pool = pool(door, config().keepaliveInterval(Duration.ofSeconds(30)).build());
        var target = target(Transport.STREAMABLE_HTTP);
        pool.echo(target, ALICE, "x");
        long pings = server.pingCount();
        clock.advance(Duration.ofSeconds(29));
        pool.maintain();
        assertThat(server.pingCount()).isEqualTo(pings);
        clock.advance(Duration.ofSeconds(1));
        pool.maintain();
        Awaitility.await().until(() -> server.pingCount() == pings + 1);
        Awaitility.await().until(() -> pool.stats().idle() == 1);
        long pingRequests = server.requests().stream().filter(r -> r.isJsonRpc("ping")).count();
        assertThat(pingRequests).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void prewarmAndMinIdleOpenSessionsAhead(Door door) {
        var pool = pool(door, config().minIdlePerKey(2).build());
        var target = target(Transport.STREAMABLE_HTTP);
        assertThat(pool.prewarm(target, ALICE, 3)).isEqualTo(3);
        assertThat(pool.stats().idle()).isEqualTo(3);
        server.awaitLiveSessions(3, Duration.ofSeconds(10));

        var bob = CallerIdentity.user("bob");
        pool.echo(target, bob, "x");
        pool.maintain();
        Awaitility.await().until(() -> pool.stats().idle() == 5);
        server.awaitLiveSessions(5, Duration.ofSeconds(10));
        assertThat(pool.stats().hits()).isZero();
        pool.echo(target, ALICE, "x");
        assertThat(pool.stats().hits()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void drainRetiresEverySessionWhileCallersKeepCalling(Door door) throws Exception {
        var pool = pool(door, config().maxSessionsPerKey(3).build());
        var target = target(Transport.STREAMABLE_HTTP);
        var stop = new AtomicBoolean();
        var failures = new AtomicInteger();
        var calls = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(3);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            futures.add(executor.submit(() -> {
                while (!stop.get()) {
                    try {
                        pool.call(target, ALICE, "whoami", Map.of());
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        Awaitility.await().until(() -> calls.get() > 20);
        server.clearRequests();
        long initializes = server.initializeCount();
        pool.drain();
        int before = calls.get();
        Awaitility.await().until(() -> calls.get() > before + 20);
        stop.set(true);
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        executor.shutdown();
        assertThat(failures.get()).isZero();
        assertThat(server.initializeCount()).isGreaterThan(initializes);
        List<RecordedRequest> deletes = server.requests().stream().filter(r -> r.method().equals("DELETE")).toList();
        assertThat(deletes).isNotEmpty();
    }
}
