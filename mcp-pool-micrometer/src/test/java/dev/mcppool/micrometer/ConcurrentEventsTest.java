package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.DiscardReason;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.Transport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/** Many threads report events at once, started on one latch; invariants checked afterwards. */
class ConcurrentEventsTest {

    private static final int THREADS = 8;
    private static final int EVENTS = 2_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @RepeatedTest(3)
    void everyEventIsCountedOnce() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        try (McpSessionPool pool = pool(metrics)) {
            metrics.bindTo(pool);
            run(THREADS, i -> {
                for (int n = 0; n < EVENTS; n++) {
                    PoolKey key = key(n % 4);
                    metrics.acquired(key, n / 4 % 2 == 0, Duration.ofNanos(n));
                    metrics.discarded(key, DiscardReason.values()[n % DiscardReason.values().length]);
                }
            });

            assertThat(registry.get("mcp.pool.acquire.wait").timers().stream().mapToLong(t -> t.count()).sum())
                    .isEqualTo((long) THREADS * EVENTS);
            assertThat(registry.get("mcp.pool.discards").counters().stream().mapToDouble(c -> c.count()).sum())
                    .isEqualTo((double) THREADS * EVENTS);
            assertThat(registry.get("mcp.pool.acquire.wait").timers()).as("4 servers x hit/miss").hasSize(8);
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @RepeatedTest(5)
    void eventsRacingTheCloseLeaveNoMeterBehind() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        McpSessionPool pool = pool(metrics);
        metrics.bindTo(pool);

        run(THREADS + 1, i -> {
            if (i == THREADS) {
                pool.close();
                return;
            }
            for (int n = 0; n < EVENTS; n++) {
                metrics.keyEvicted(key(n));
            }
        });

        assertThat(pool.isClosed()).isTrue();
        assertThat(registry.getMeters()).isEmpty();
    }

    private static McpSessionPool pool(McpPoolMetrics metrics) {
        return McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false).listener(metrics).build());
    }

    /** Distinct servers, so that new meters are registered while the pool closes. */
    private static PoolKey key(int server) {
        return new PoolKey("u", "http://10.0.0." + (server % 250) + ":8080/mcp", "i", Transport.STREAMABLE_HTTP, "");
    }

    private void run(int count, IntTask task) {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int id = i;
            done.add(CompletableFuture.runAsync(() -> {
                awaitQuietly(start);
                task.run(id);
            }, threads));
        }
        start.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface IntTask {
        void run(int id);
    }
}
