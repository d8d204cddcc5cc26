package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

/**
 * What only the non-blocking front door has: futures that never hold a thread while they wait, and cancelling them.
 * Everything both doors do is tested through both, in the other behaviour tests ({@link TestPool}).
 */
class AsyncPoolTest extends PoolFixture {

    private static final CallerIdentity ALICE = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));

    private final ExecutorService continuations = Executors.newSingleThreadExecutor();

    AsyncPoolTest() {
        afterPools(continuations::shutdownNow);
    }

    private McpAsyncSessionPool pool(PoolConfig.Builder config) {
        return asyncPool(config.build(), continuations);
    }

    private static Mono<McpSchema.CallToolResult> echo(McpAsyncClient client, String text) {
        return client.callTool(Tools.request("echo", Map.of("text", text)));
    }

    @Test
    void tenThousandPendingAcquiresAreServedInArrivalOrderByAHandfulOfThreads() throws Exception {
        var pool = pool(config().maxSessionsPerKey(4).acquireTimeout(Duration.ofSeconds(120)));
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

    /** Acquire itself never throws for a failure on the way: it arrives as a failed future. */
    @Test
    void creationFailuresAndTheBreakerArriveAsFailedFutures() {
        var pool = pool(config().breakerFailureThreshold(1));
        server.failInitialize(500);
        var failed = pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE);
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SessionCreationException.class);
        assertThatThrownBy(() -> pool.acquire(target(Transport.STREAMABLE_HTTP), ALICE).join())
                .hasCauseInstanceOf(CircuitOpenException.class);
        server.clearInitializeFault();
        assertThat(pool.stats().creating()).isZero();
    }


    @Test
    void cancellingAnAcquireGivesBackItsPlaceInTheQueue() throws Exception {
        var pool = pool(config().maxSessionsPerKey(1));
        var target = target(Transport.STREAMABLE_HTTP);
        var held = pool.acquire(target, ALICE).get(10, TimeUnit.SECONDS);
        var cancelled = pool.acquire(target, ALICE);
        var next = pool.acquire(target, ALICE);
        assertThat(pool.stats().pendingAcquires()).isEqualTo(2);
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(pool.stats().pendingAcquires()).isEqualTo(1);
        held.close();
        var lease = next.get(10, TimeUnit.SECONDS);
        assertThat(pool.stats().leased()).isEqualTo(1);
        assertThat(pool.stats().misses()).isEqualTo(1);
        lease.close();
        assertThat(pool.stats().pendingAcquires()).isZero();
        assertThat(pool.stats().idle()).isEqualTo(1);
    }
}
