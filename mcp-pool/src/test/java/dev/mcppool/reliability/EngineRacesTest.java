package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.CircuitOpenException;
import dev.mcppool.DiscardReason;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolStats;
import dev.mcppool.SessionCreationException;
import dev.mcppool.internal.KeyDeriver;
import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.TaskTimer;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;
import dev.mcppool.testing.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Item 8: the races the design worries about, each stressed in a bounded loop on the engine itself with sessions
 * from a fake factory (no network, so thousands of interleavings per second) and a closer on its own threads. While
 * a round runs, a sampler checks the bounds continuously; after each round the engine's invariants are asserted:
 * per key leased + idle + creating &lt;= maxSessionsPerKey, open sessions &lt;= maxTotalSessions, no session held
 * by two callers or by a caller of another key, every permit back, every discarded session closed exactly once.
 */
class EngineRacesTest {

    private static final int THREADS = 8;
    private static final int PER_KEY = 2;
    private static final int TOTAL = 5;

    private final ManualClock clock = ManualClock.start();
    private final java.util.concurrent.ScheduledExecutorService timerThread =
            Executors.newSingleThreadScheduledExecutor();
    private final TaskTimer timer = (task, delay) -> {
        var f = timerThread.schedule(task, Math.max(0, delay), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    };
    private final ExecutorService callers = Executors.newFixedThreadPool(THREADS + 2);
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stopThreads() throws Exception {
        callers.shutdownNow();
        timerThread.shutdownNow();
        assertThat(timerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private PoolConfig.Builder config() {
        return PoolConfig.builder().ticker(clock::nanoTime).backgroundHousekeeping(false).ttlJitter(0)
                .maxSessionsPerKey(PER_KEY).maxTotalSessions(TOTAL).acquireTimeout(Duration.ofMillis(50))
                .closeTimeout(Duration.ofSeconds(2));
    }

    private static SessionSpec spec(String user) {
        return new KeyDeriver(PoolConfig.DEFAULT_IDENTITY_HEADERS, Optional.empty()).derive(
                McpTarget.streamableHttp("http://127.0.0.1:9/mcp"),
                CallerIdentity.of(user, Map.of("Authorization", "Bearer " + user)), null);
    }

    private static List<SessionSpec> specs(int n) {
        List<SessionSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(spec("user-" + i));
        }
        return specs;
    }

    @Test
    void evictionVersusAcquireOnTheSameKey() throws Exception {
        RacingSessionFactory factory = new RacingSessionFactory();
        var engine = new PoolEngine<>(config().keyIdleTimeout(Duration.ofMillis(1))
                .sessionIdleTimeout(Duration.ofMillis(1)).build(), factory, timer, "race-evict");
        List<SessionSpec> specs = specs(2);
        int operations = rounds(engine, factory, specs, TOTAL, 20, 300, () -> {
            clock.advance(Duration.ofMillis(2));
            engine.maintain(clock.nanoTime());
        });
        finish(engine, factory, "eviction vs acquire (2 keys, key and session idle timeouts 1 ms, housekeeping"
                + " every few µs)", operations);
    }

    @Test
    void breakerOpeningVersusCreationInFlight() throws Exception {
        RacingSessionFactory factory = new RacingSessionFactory();
        var engine = new PoolEngine<>(config().breakerFailureThreshold(2).breakerOpenDuration(Duration.ofMillis(1))
                .breakerMaxOpenDuration(Duration.ofMillis(4)).build(), factory, timer, "race-breaker");
        List<SessionSpec> specs = specs(3);
        int operations = rounds(engine, factory, specs, TOTAL, 20, 300, () -> {
            factory.failurePercent = ThreadLocalRandom.current().nextInt(3) == 0 ? 70 : 0;
            clock.advance(Duration.ofMillis(1));
            LockSupport.parkNanos(20_000);
        });
        // Healthy again and past the longest open time: the breaker lets creations through, it is not stuck.
        factory.failurePercent = 0;
        clock.advance(Duration.ofSeconds(1));
        for (SessionSpec spec : specs) {
            engine.release(Blocking.acquire(engine, spec), null, true);
        }
        assertThat(engine.stats(0).breakerTrips()).isPositive();
        finish(engine, factory, "breaker opening vs creations in flight (3 keys, 70 % of creations failing in"
                + " bursts, threshold 2)", operations);
    }

    @Test
    void closeVersusAcquire() throws Exception {
        int rounds = 30;
        int closedWhileBusy = 0;
        int operations = 0;
        for (int round = 0; round < rounds; round++) {
            RacingSessionFactory factory = new RacingSessionFactory();
            var engine = new PoolEngine<>(config().build(), factory, timer, "race-close-" + round);
            List<SessionSpec> specs = specs(3);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger done = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(callers.submit(() -> {
                    while (!stop.get()) {
                        try {
                            use(engine, specs, 0);
                            done.incrementAndGet();
                        } catch (PoolClosedException e) {
                            return null;
                        }
                    }
                    return null;
                }));
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
            if (engine.stats(0).leased() > 0) {
                closedWhileBusy++;
            }
            engine.close();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            stop.set(true);
            operations += done.get();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> factory.open.get() == 0);
            assertThat(factory.sessions).allSatisfy(s -> assertThat(s.closes.get()).isEqualTo(1));
            assertThat(engine.totalSessions()).isZero();
            assertThat(violations).isEmpty();
        }
        assertThat(closedWhileBusy).isPositive();
        Row.print("race", "close vs acquire: " + rounds + " rounds x " + THREADS + " threads, closed while "
                + closedWhileBusy + " rounds had leases out, " + operations + " leases; every session closed"
                + " exactly once, acquires after close fail with PoolClosedException");
    }

    @Test
    void drainVersusRelease() throws Exception {
        RacingSessionFactory factory = new RacingSessionFactory();
        var engine = new PoolEngine<>(config().build(), factory, timer, "race-drain");
        List<SessionSpec> specs = specs(3);
        int operations = rounds(engine, factory, specs, TOTAL, 20, 300, () -> {
            engine.drain();
            LockSupport.parkNanos(50_000);
        });
        engine.drain();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> factory.open.get() == 0);
        assertThat(engine.stats(0).idle()).isZero();
        finish(engine, factory, "drain vs release (3 keys, drain() every 50 µs)", operations);
    }

    @Test
    void keyEvictionVersusRelease() throws Exception {
        RacingSessionFactory factory = new RacingSessionFactory();
        AtomicInteger keysPeak = new AtomicInteger();
        AtomicInteger counterPeak = new AtomicInteger();
        var engine = new PoolEngine<>(config().maxKeys(3).maxTotalSessions(6).build(), factory, timer,
                "race-keys");
        List<SessionSpec> specs = specs(6);
        int operations = rounds(engine, factory, specs, 6, 20, 300, () -> {
            keysPeak.accumulateAndGet(keysInMap(engine), Math::max);
            counterPeak.accumulateAndGet(keyCounter(engine), Math::max);
            LockSupport.parkNanos(20_000);
        });
        // stats().keyCount() iterates the key map weakly consistently and may count a key being evicted and the
        // one replacing it; the map itself is the bound that matters. The engine's key counter is taken before the
        // cap is checked (and given back at once when over), so it may show maxKeys + 1 for an instant.
        assertThat(keysPeak.get()).as("keys in the map").isLessThanOrEqualTo(3);
        assertThat(counterPeak.get()).as("key counter").isLessThanOrEqualTo(4);
        assertThat(keysInMap(engine)).isLessThanOrEqualTo(3);
        assertThat(keyCounter(engine)).isLessThanOrEqualTo(3);
        assertThat(engine.stats(0).keysEvicted()).isPositive();
        finish(engine, factory, "key eviction vs release (6 users, maxKeys 3; peak keys in map " + keysPeak.get()
                + ", peak key counter " + counterPeak.get() + ")", operations);
    }

    // ------------------------------------------------------------------------------------------------ harness

    /**
     * Runs {@code rounds} rounds (with {@code maxTotal} the engine's global cap): {@link #THREADS} callers each doing {@code perThread} acquire/use/release cycles on
     * random keys while {@code chaos} runs in a loop on its own thread; checks the invariants after each round.
     * Returns the number of leases.
     */
    private int rounds(PoolEngine<RacingSessionFactory.Session> engine, RacingSessionFactory factory,
            List<SessionSpec> specs, int maxTotal, int rounds, int perThread, Runnable chaos) throws Exception {
        AtomicInteger leases = new AtomicInteger();
        for (int round = 0; round < rounds; round++) {
            AtomicBoolean stop = new AtomicBoolean();
            var start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(callers.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        try {
                            use(engine, specs, 20_000);
                            leases.incrementAndGet();
                        } catch (PoolExhaustedException | CircuitOpenException | SessionCreationException e) {
                            // allowed outcomes under the race; the invariants are what counts
                        }
                    }
                    return null;
                }));
            }
            Future<?> chaosLoop = callers.submit(() -> {
                start.await();
                while (!stop.get()) {
                    chaos.run();
                    sample(engine, factory, maxTotal);
                }
                return null;
            });
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            chaosLoop.get(10, TimeUnit.SECONDS);
            quiescent(engine, factory, maxTotal);
        }
        return leases.get();
    }

    /** One lease: acquire, check it is ours alone, hold it a moment, release (sometimes broken). */
    private void use(PoolEngine<RacingSessionFactory.Session> engine, List<SessionSpec> specs, long holdNanos) {
        var random = ThreadLocalRandom.current();
        SessionSpec spec = specs.get(random.nextInt(specs.size()));
        PooledEntry<RacingSessionFactory.Session> e = Blocking.acquire(engine, spec);
        RacingSessionFactory.Session s = e.session();
        if (s.holders.incrementAndGet() != 1) {
            violations.add("session " + s.id + " held by two callers");
        }
        if (!s.key.equals(spec.key()) || !e.key().equals(spec.key())) {
            violations.add("session " + s.id + " of another key leased");
        }
        // A session closed by pool close() under its holder is expected; one closed before is a bug. close() sets
        // the closed flag before it closes any session, so a closed session in an open pool is the latter.
        if (s.closes.get() != 0 && !engine.isClosed()) {
            violations.add("closed session " + s.id + " leased");
        }
        if (holdNanos > 0) {
            LockSupport.parkNanos(random.nextLong(holdNanos));
        }
        s.holders.decrementAndGet();
        engine.release(e, random.nextInt(10) == 0 ? DiscardReason.BROKEN : null, true);
    }

    /** While the round runs: the bounds hold at every moment. */
    private void sample(PoolEngine<RacingSessionFactory.Session> engine, RacingSessionFactory factory, int maxTotal) {
        PoolStats stats = engine.stats(0);
        for (PoolStats.KeyStats k : stats.keys()) {
            if (k.leased() + k.idle() + k.creating() > PER_KEY) {
                violations.add("key over its cap: " + k);
            }
        }
        if (engine.totalSessions() > maxTotal || factory.open.get() > maxTotal) {
            violations.add("over the global cap: total=" + engine.totalSessions() + " open=" + factory.open.get());
        }
    }

    /** After a round: every permit back, the books match the sessions really open, nothing closed twice. */
    private void quiescent(PoolEngine<RacingSessionFactory.Session> engine, RacingSessionFactory factory,
            int maxTotal) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            PoolStats stats = engine.stats(0);
            assertThat(stats.leased()).isZero();
            assertThat(stats.creating()).isZero();
            assertThat(stats.pendingAcquires()).isZero();
            assertThat(engine.totalSessions()).isEqualTo(stats.idle()).isEqualTo(factory.open.get());
        });
        PoolStats stats = engine.stats(0);
        assertThat(stats.keys()).allSatisfy(k -> assertThat(k.idle()).isLessThanOrEqualTo(PER_KEY));
        assertThat(factory.peakOpen.get()).isLessThanOrEqualTo(maxTotal);
        assertThat(factory.doubleCloses.get()).isZero();
        assertThat(violations).isEmpty();
    }

    private void finish(PoolEngine<RacingSessionFactory.Session> engine, RacingSessionFactory factory, String race,
            int operations) {
        engine.close();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> factory.open.get() == 0);
        assertThat(factory.sessions).allSatisfy(s -> assertThat(s.closes.get()).as("closes of session " + s.id)
                .isEqualTo(1));
        assertThat(violations).isEmpty();
        Row.print("race", race + ": 20 rounds x " + THREADS + " threads x 300 = " + operations + " leases, "
                + factory.opened.get() + " sessions opened, peak open " + factory.peakOpen.get() + ", violations "
                + violations.size());
    }

    /** Keys in the engine's key map (read reflectively: no accessor gives an exact count). */
    private static int keysInMap(PoolEngine<?> engine) {
        return ((Map<?, ?>) field(field(engine, "keys"), "partitions")).size();
    }

    private static int keyCounter(PoolEngine<?> engine) {
        return ((AtomicInteger) field(field(engine, "keys"), "keyCount")).get();
    }

    private static Object field(Object owner, String name) {
        try {
            var field = owner.getClass().getDeclaredField(name);
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
