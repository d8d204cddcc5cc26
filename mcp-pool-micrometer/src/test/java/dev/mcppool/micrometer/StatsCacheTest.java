package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolStats;
import dev.mcppool.testing.ManualClock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StatsCacheTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private static PoolStats first;
    private static PoolStats second;

    private final ManualClock clock = ManualClock.start();
    private final AtomicInteger reads = new AtomicInteger();

    @BeforeAll
    static void takeTwoSnapshots() {
        try (McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false).build())) {
            first = pool.stats();
            second = pool.stats();
        }
    }

    @Test
    void readsThePoolOncePerMaxAge() {
        StatsCache cache = new StatsCache(counting(() -> reads.get() == 1 ? first : second), clock::nanoTime, SECOND);

        assertThat(cache.get()).isSameAs(first);
        clock.advance(Duration.ofMillis(999));
        assertThat(cache.get()).isSameAs(first);
        assertThat(reads).hasValue(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(cache.get()).isSameAs(second);
        assertThat(reads).hasValue(2);
    }

    @Test
    void keepsTheLastSnapshotWhenReadingFails() {
        StatsCache cache = new StatsCache(counting(() -> {
            if (reads.get() > 1) {
                throw new IllegalStateException("boom");
            }
            return first;
        }), clock::nanoTime, SECOND);

        assertThat(cache.get()).isSameAs(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get()).isSameAs(first);
        assertThat(reads).hasValue(2);
    }

    @Test
    void givesNullWhenNoSnapshotWasEverTaken() {
        StatsCache cache = new StatsCache(() -> {
            throw new IllegalStateException("boom");
        }, clock::nanoTime, SECOND);

        assertThat(cache.get()).isNull();
    }

    @Test
    void readersDoNotWaitForARefreshInProgress() throws Exception {
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StatsCache cache = new StatsCache(counting(() -> {
            if (reads.get() == 1) {
                return first;
            }
            refreshing.countDown();
            await(release);
            return second;
        }), clock::nanoTime, SECOND);
        assertThat(cache.get()).isSameAs(first);
        clock.advance(Duration.ofSeconds(1));

        CompletableFuture<PoolStats> slow = CompletableFuture.supplyAsync(cache::get);
        refreshing.await();
        PoolStats meanwhile = assertTimeoutPreemptively(Duration.ofSeconds(5), cache::get);
        release.countDown();

        assertThat(meanwhile).isSameAs(first);
        assertThat(slow.get()).isSameAs(second);
        assertThat(cache.get()).isSameAs(second);
        assertThat(reads).hasValue(2);
    }

    private Supplier<PoolStats> counting(Supplier<PoolStats> source) {
        return () -> {
            reads.incrementAndGet();
            return source.get();
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
