package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.AcquireInterruptedException;
import dev.mcppool.AsyncSessionLease;
import dev.mcppool.CallerIdentity;
import dev.mcppool.Door;
import dev.mcppool.HealthCheckMethod;
import dev.mcppool.McpAsyncSessionPool;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolStats;
import dev.mcppool.Route;
import dev.mcppool.SessionLease;
import dev.mcppool.TestLease;
import dev.mcppool.TestPool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Item 4: 10,000 acquires (5,000 sync, 5,000 async) given up at random points: waiting for a permit (3 keys, 2
 * sessions per key, 8 callers), while a session is being opened, and while an idle session is health-checked (the
 * health-check interval is zero, so every reuse pings first). Sync callers are interrupted 0-3 ms after they start
 * (60 % of acquires) and give up after a 5 ms acquire timeout; async acquires are cancelled 0-3 ms after they start.
 * Afterwards every permit is back, nothing is leased, and the server holds exactly the pool's idle sessions.
 *
 * <p>How a caller gives up belongs to its door: a blocked sync caller is interrupted (sync only), an async caller
 * cancels its future (async only). Giving up at the acquire timeout is common to both doors and runs through both.
 */
class CancellationTest extends ReliabilityFixture {

    private static final int ACQUIRES = 5_000;
    private static final int THREADS = 8;
    private static final int KEYS = 3;

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private static PoolConfig.Builder cancellationConfig() {
        return realTimeConfig().maxSessionsPerKey(2).acquireTimeout(Duration.ofMillis(5))
                .healthCheckInterval(Duration.ZERO).healthCheckMethods(HealthCheckMethod.PING)
                .createTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(5));
    }

    private static List<CallerIdentity> identities() {
        List<CallerIdentity> ids = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            ids.add(CallerIdentity.of("user-" + i, Map.of("Authorization", "Bearer t" + i)));
        }
        return ids;
    }

    /** Both doors: 2,000 acquires by 8 threads that give up only at the 5 ms acquire timeout. */
    @ParameterizedTest
    @EnumSource(Door.class)
    void acquiresTimedOutAtRandomPointsGiveEverythingBack(Door door) throws Exception {
        TestPool pool = pool(door, cancellationConfig().build());
        List<Route> routes = identities().stream().map(id -> pool.route(target(), id)).toList();
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        var start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(threads.submit(() -> {
                start.await();
                var random = ThreadLocalRandom.current();
                for (int i = 0; i < 2_000 / THREADS; i++) {
                    String outcome;
                    try (TestLease lease = pool.acquire(routes.get(random.nextInt(KEYS)))) {
                        outcome = "leased";
                        LockSupport.parkNanos(random.nextLong(500_000));
                        if (random.nextInt(20) == 0) {
                            lease.markBroken();
                        }
                    } catch (PoolExhaustedException e) {
                        outcome = "timed out waiting (PoolExhaustedException)";
                    } catch (RuntimeException e) {
                        outcome = "unexpected: " + Tally.describe(e);
                    }
                    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();

        Map<String, Long> seen = counts(outcomes);
        assertThat(seen.keySet()).as(seen.toString()).noneMatch(k -> k.startsWith("unexpected"))
                .contains("leased", "timed out waiting (PoolExhaustedException)");
        assertThat(seen.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2_000);
        PoolStats stats = allGivenBack(pool.stats(), () -> pool.stats());
        Row.print("cancellation-timeout-" + door, "acquires=2000 threads=" + THREADS + " keys=" + KEYS
                + " outcomes=" + seen + " sessionsOpened=" + stats.misses() + " idleAtEnd=" + stats.idle());
    }

    /** Sync only: an interrupt is how a blocked caller of the sync door gives up. */
    @Test
    void syncAcquiresInterruptedOrTimedOutAtRandomPointsGiveEverythingBack() throws Exception {
        McpSessionPool pool = syncPool(cancellationConfig().build());
        List<Route> routes = identities().stream().map(id -> pool.route(target(), id)).toList();
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        AtomicInteger unexpected = new AtomicInteger();
        var start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        long began = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            futures.add(threads.submit(() -> {
                start.await();
                Thread self = Thread.currentThread();
                var random = ThreadLocalRandom.current();
                for (int i = 0; i < ACQUIRES / THREADS; i++) {
                    ScheduledFuture<?> interrupt = random.nextInt(10) < 6
                            ? timer.schedule(self::interrupt, random.nextLong(3_000_000), TimeUnit.NANOSECONDS)
                            : null;
                    String outcome;
                    try (SessionLease lease = pool.acquire(routes.get(random.nextInt(KEYS)))) {
                        outcome = "leased";
                        LockSupport.parkNanos(random.nextLong(500_000));
                        if (random.nextInt(20) == 0) {
                            lease.markBroken();
                        }
                    } catch (PoolExhaustedException e) {
                        outcome = "timed out waiting (PoolExhaustedException)";
                    } catch (AcquireInterruptedException e) {
                        outcome = "interrupted: " + e.getMessage().replaceAll(" (of|for) PoolKey.*", "");
                    } catch (RuntimeException e) {
                        unexpected.incrementAndGet();
                        outcome = "unexpected: " + Tally.describe(e);
                    }
                    if (interrupt != null && !interrupt.cancel(false)) {
                        try {
                            interrupt.get(); // the interrupt is on its way: wait for it before clearing it
                        } catch (ExecutionException | CancellationException ignored) {
                            // cannot happen for Thread::interrupt
                        } catch (InterruptedException alsoFine) {
                            // that is the interrupt itself
                        }
                    }
                    Thread.interrupted();
                    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        Map<String, Long> seen = counts(outcomes);
        assertThat(unexpected.get()).as(seen.toString()).isZero();
        assertThat(seen.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ACQUIRES);
        assertThat(seen.keySet()).as(seen.toString()).contains("leased", "timed out waiting (PoolExhaustedException)",
                "interrupted: interrupted while waiting for a session",
                "interrupted: interrupted while opening a session");
        PoolStats stats = allGivenBack(pool.stats(), () -> pool.stats());
        Row.print("cancellation-sync", "acquires=" + ACQUIRES + " threads=" + THREADS + " keys=" + KEYS
                + " outcomes=" + seen + " sessionsOpened=" + stats.misses() + " hits=" + stats.hits()
                + " healthCheckFailures=" + stats.healthCheckFailures() + " idleAtEnd=" + stats.idle()
                + " serverLive=" + server.liveSessions() + " took=" + took.toMillis() + "ms");
    }

    /** Async only: cancelling the future is how a caller of the async door gives up. */
    @Test
    void asyncAcquiresCancelledOrTimedOutAtRandomPointsGiveEverythingBack() throws Exception {
        McpAsyncSessionPool pool = asyncPool(cancellationConfig().build());
        List<Route> routes = identities().stream().map(id -> pool.route(target(), id)).toList();
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        var random = ThreadLocalRandom.current();
        long began = System.nanoTime();
        for (int i = 0; i < ACQUIRES; i++) {
            inFlight.acquire();
            CompletableFuture<AsyncSessionLease> acquire = pool.acquire(routes.get(random.nextInt(KEYS)));
            if (random.nextInt(10) < 6) {
                timer.schedule(() -> acquire.cancel(true), random.nextLong(3_000_000), TimeUnit.NANOSECONDS);
            }
            CompletableFuture<Void> finished = acquire.handle((lease, error) -> {
                String outcome;
                if (error == null) {
                    outcome = "leased";
                    if (ThreadLocalRandom.current().nextInt(20) == 0) {
                        lease.markBroken();
                    }
                    lease.close();
                } else {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    outcome = cause instanceof CancellationException ? "cancelled"
                            : cause instanceof PoolExhaustedException ? "timed out waiting (PoolExhaustedException)"
                            : "unexpected: " + Tally.describe(cause);
                }
                outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                inFlight.release();
                return null;
            });
            done.add(finished);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        Map<String, Long> seen = counts(outcomes);
        assertThat(seen.keySet()).as(seen.toString()).noneMatch(k -> k.startsWith("unexpected"))
                .contains("leased", "cancelled", "timed out waiting (PoolExhaustedException)");
        PoolStats stats = allGivenBack(pool.stats(), () -> pool.stats());
        Row.print("cancellation-async", "acquires=" + ACQUIRES + " inFlight<=16 keys=" + KEYS + " outcomes=" + seen
                + " sessionsOpened=" + stats.misses() + " hits=" + stats.hits() + " healthCheckFailures="
                + stats.healthCheckFailures() + " idleAtEnd=" + stats.idle() + " serverLive="
                + server.liveSessions() + " took=" + took.toMillis() + "ms");
    }

    /**
     * Every permit back (nothing leased, being created or waiting; every open session idle, at most 2 per key), and
     * no half-open session on the server: it holds exactly the pool's idle sessions, once the background closes of
     * abandoned sessions are done.
     */
    private static PoolStats allGivenBack(PoolStats ignored, java.util.function.Supplier<PoolStats> stats) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertQuiescent(stats.get()));
        PoolStats now = stats.get();
        assertThat(now.keys()).allSatisfy(k -> assertThat(k.idle()).isLessThanOrEqualTo(2));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> server.liveSessions() == stats.get().idle());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            ServerSessions.dumpUndeleted(server);
            throw new AssertionError("server holds " + server.liveSessions() + " sessions, the pool "
                    + stats.get().idle() + " idle ones", e);
        }
        return stats.get();
    }

    private static Map<String, Long> counts(Map<String, LongAdder> outcomes) {
        Map<String, Long> seen = new TreeMap<>();
        outcomes.forEach((k, v) -> seen.put(k, v.sum()));
        return seen;
    }
}
