package dev.mcppool.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ExpiringCacheTest {

    private final ManualClock clock = ManualClock.start();
    private final ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofMinutes(5), 3, clock::nanoTime);
    private final AtomicInteger loads = new AtomicInteger();

    private String load(String key) {
        return cache.get(key, () -> key + "#" + loads.incrementAndGet());
    }

    @Test
    void servesTheLoadedValueUntilItExpires() {
        assertThat(load("a")).isEqualTo("a#1");
        clock.advance(Duration.ofMinutes(5).minusNanos(1));
        assertThat(load("a")).isEqualTo("a#1");
        clock.advance(Duration.ofNanos(1));
        assertThat(load("a")).isEqualTo("a#2");
    }

    @Test
    void invalidatedKeysLoadAgainOthersDoNot() {
        load("a");
        load("b");
        cache.invalidate(key -> key.equals("a"));
        assertThat(load("a")).isEqualTo("a#3");
        assertThat(load("b")).isEqualTo("b#2");
    }

    @Test
    void aFailedLoadIsNotCached() {
        assertThatThrownBy(() -> cache.get("a", () -> {
            throw new IllegalStateException("server down");
        })).hasMessage("server down");
        assertThat(cache.size()).isZero();
        assertThat(load("a")).isEqualTo("a#1");
    }

    @Test
    void whenFullTheExpiredThenTheOldestEntriesGo() {
        load("a");
        clock.advance(Duration.ofMinutes(1));
        load("b");
        clock.advance(Duration.ofMinutes(1));
        load("c");
        load("d");
        assertThat(cache.size()).isEqualTo(3);
        assertThat(load("b")).as("b stayed").isEqualTo("b#2");
        assertThat(load("a")).as("a, the oldest, went").isEqualTo("a#5");
    }

    @Test
    void concurrentCallersOfOneKeyShareOneLoad() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(threads.submit(() -> {
                    start.await();
                    return cache.get("k", () -> {
                        loading.countDown();
                        await(release);
                        return "v" + loads.incrementAndGet();
                    });
                }));
            }
            start.countDown();
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new ExpiringCache<>(Duration.ZERO, 1, clock::nanoTime))
                .hasMessage("ttl must be positive, but was PT0S");
        assertThatThrownBy(() -> new ExpiringCache<>(Duration.ofSeconds(1), 0, clock::nanoTime))
                .hasMessage("maxEntries must be positive, but was 0");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
