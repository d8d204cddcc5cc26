package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.TestMcpServer;
import dev.mcppool.testing.WhoAmI;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import reactor.core.publisher.Mono;

/** The non-blocking front door against the real server. */
class AsyncPoolTest {

    private static final CallerIdentity ALICE = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));

    private static TestMcpServer server;
    private final List<McpAsyncSessionPool> pools = new ArrayList<>();
    private final ExecutorService continuations = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void start() {
        server = TestMcpServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void leakCheck() {
        server.clearFaults();
        for (McpAsyncSessionPool pool : pools) {
            pool.close();
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
        }
        continuations.shutdownNow();
        server.awaitLiveSessions(0, Duration.ofSeconds(10));
    }

    private McpAsyncSessionPool pool(PoolConfig.Builder config) {
        var pool = McpAsyncSessionPool.create(config.backgroundHousekeeping(false).build(), continuations);
        pools.add(pool);
        return pool;
    }

    private static McpTarget target(Transport transport) {
        return transport == Transport.SSE ? McpTarget.sse(server.baseUrl() + "/sse")
                : McpTarget.streamableHttp(server.streamableUri().toString());
    }

    private static Mono<McpSchema.CallToolResult> echo(McpAsyncClient client, String text) {
        return client.callTool(Tools.request("echo", Map.of("text", text)));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void callsThroughLeasesCarryTheCallersHeadersAndReuseTheSession(Transport transport) throws Exception {
        var pool = pool(PoolConfig.builder());
        var lease = pool.acquire(target(transport), ALICE).get(10, TimeUnit.SECONDS);
        lease.setCallHeaders(Map.of("traceparent", "00-async-01"));
        WhoAmI first = WhoAmI.from(lease.call(c -> c.callTool(Tools.request("whoami", Map.of()))).block());
        lease.close();
        assertThat(first.header("authorization")).isEqualTo("Bearer a");
        assertThat(first.header("traceparent")).isEqualTo("00-async-01");

        var result = pool.call(target(transport), ALICE, c -> c.callTool(Tools.request("whoami", Map.of())))
                .block(Duration.ofSeconds(10));
        WhoAmI second = WhoAmI.from(result);
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(second.header("traceparent")).isNull();
        assertThat(pool.stats().misses()).isEqualTo(1);
        assertThat(pool.stats().hits()).isEqualTo(1);
    }

    @Test
    void tenThousandPendingAcquiresAreServedInArrivalOrderByAHandfulOfThreads() throws Exception {
        var pool = pool(PoolConfig.builder().maxSessionsPerKey(4).acquireTimeout(Duration.ofSeconds(120)));
        var route = pool.route(target(Transport.STREAMABLE_HTTP), ALICE);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<Integer> served = new CopyOnWriteArrayList<>();
        List<CompletableFuture<AsyncSessionLease>> acquires = new ArrayList<>();
        int count = 10_000;
        for (int i = 0; i < count; i++) {
            int index = i;
            CompletableFuture<AsyncSessionLease> acquire = pool.acquire(route);
            acquires.add(acquire);
            acquire.thenAccept(lease -> {
                served.add(index);
                lease.call(c -> echo(c, "x")).doFinally(s -> lease.close()).subscribe();
            });
        }
        long pendingRightAway = acquires.stream().filter(f -> !f.isDone()).count();
        // Submitting never blocked: almost all acquires are still pending when the loop ends.
        assertThat(pendingRightAway).isGreaterThan(count - 1_000);

        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
        List<Integer> cancelled = new CopyOnWriteArrayList<>();
        for (int i = 0; i < count; i++) {
            if (ThreadLocalRandom.current().nextBoolean()) {
                int index = i;
                canceller.schedule(() -> {
                    if (acquires.get(index).cancel(false)) {
                        cancelled.add(index);
                    }
                }, ThreadLocalRandom.current().nextInt(2_000), TimeUnit.MILLISECONDS);
            }
        }
        int peakThreads = 0;
        while (!acquires.stream().allMatch(CompletableFuture::isDone)) {
            peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
            Thread.onSpinWait();
            Awaitility.await().pollDelay(Duration.ofMillis(50)).until(() -> true);
        }
        canceller.shutdown();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pool.stats().leased() == 0);

        assertThat(served.size() + cancelled.size()).isEqualTo(count);
        // The first four opened sessions concurrently and finish in any order; every later caller waited in line.
        assertThat(served.stream().filter(i -> i >= 4).toList()).isSorted();
        assertThat(cancelled).isNotEmpty();
        var stats = pool.stats();
        assertThat(stats.pendingAcquires()).isZero();
        assertThat(stats.creating()).isZero();
        assertThat(stats.idle()).isLessThanOrEqualTo(4);
        assertThat(stats.misses()).isLessThanOrEqualTo(4);
        server.awaitLiveSessions(stats.idle(), Duration.ofSeconds(10));
        System.out.printf("async: %d served in order, %d cancelled, threads %d -> peak %d%n", served.size(),
                cancelled.size(), threadsBefore, peakThreads);
        assertThat(peakThreads - threadsBefore).isLessThan(25);
    }

    @Test
    void anAcquireThatWaitsTooLongFailsWithTheKeysCounts() throws Exception {
        var pool = pool(PoolConfig.builder().maxSessionsPerKey(1).acquireTimeout(Duration.ofMillis(200)));
        var held = pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE).get(10, TimeUnit.SECONDS);
        var waiting = pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE);
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("leased=1");
        held.close();
        assertThat(pool.stats().pendingAcquires()).isZero();
        assertThat(pool.stats().idle()).isEqualTo(1);
    }

    @Test
    void creationFailuresAndTheBreakerArriveAsFailedFutures() {
        var pool = pool(PoolConfig.builder().breakerFailureThreshold(1));
        server.failInitialize(500);
        var failed = pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE);
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SessionCreationException.class);
        assertThatThrownBy(() -> pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE).join())
                .hasCauseInstanceOf(CircuitOpenException.class);
        server.clearInitializeFault();
        assertThat(pool.stats().creating()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void asyncCallsRetryOnceWhenTheServerForgotTheSession(Transport transport) {
        var pool = pool(PoolConfig.builder().requestTimeout(Duration.ofSeconds(5)));
        var target = target(transport);
        assertThat(Tools.text(pool.call(target, ALICE, c -> echo(c, "one")).block())).isEqualTo("one");
        server.forgetAllSessions();
        assertThat(Tools.text(pool.call(target, ALICE, c -> echo(c, "two")).block())).isEqualTo("two");
        assertThat(pool.stats().staleRetries()).isEqualTo(1);
    }

    @Test
    void closeFailsPendingAcquires() throws Exception {
        var pool = pool(PoolConfig.builder().maxSessionsPerKey(1));
        var held = pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE).get(10, TimeUnit.SECONDS);
        var waiting = pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE);
        pool.close();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(PoolClosedException.class);
        held.close();
        assertThatThrownBy(() -> pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE).join())
                .hasCauseInstanceOf(PoolClosedException.class);
    }
}
