package dev.mcppool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.AcquireInterruptedException;
import dev.mcppool.BreakerState;
import dev.mcppool.CallerIdentity;
import dev.mcppool.CircuitOpenException;
import dev.mcppool.DiscardReason;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolListener;
import dev.mcppool.PoolKey;
import dev.mcppool.SessionCreationException;
import dev.mcppool.testing.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's accounting and state machines, with sessions from a fake factory and a manual clock. */
class PoolEngineTest {

    private final ManualClock clock = ManualClock.start();
    private final FakeSessionFactory factory = new FakeSessionFactory();
    private final ManualTimer timer = new ManualTimer(clock);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private PoolEngine<FakeSessionFactory.Session> engine;

    private final PoolListener recorder = new PoolListener() {
        @Override
        public void discarded(PoolKey key, DiscardReason reason) {
            events.add("discarded:" + reason);
        }

        @Override
        public void breakerStateChanged(String url, BreakerState from, BreakerState to) {
            events.add("breaker:" + from + "->" + to);
        }

        @Override
        public void keyEvicted(PoolKey key) {
            events.add("keyEvicted");
        }
    };

    private PoolConfig.Builder config() {
        return PoolConfig.builder().ticker(clock::nanoTime).backgroundHousekeeping(false).ttlJitter(0)
                .listener(recorder);
    }

    private PoolEngine<FakeSessionFactory.Session> engine(PoolConfig config) {
        engine = new PoolEngine<>(config, factory, timer, "test-pool");
        return engine;
    }

    /** The blocking door's acquire over the engine under test. */
    private PooledEntry<FakeSessionFactory.Session> acquire(SessionSpec spec) {
        return Blocking.acquire(engine, spec);
    }

    private static SessionSpec spec(String user) {
        return new KeyDeriver(PoolConfig.DEFAULT_IDENTITY_HEADERS, java.util.Optional.empty()).derive(
                McpTarget.streamableHttp("http://127.0.0.1:9/mcp"),
                CallerIdentity.of(user, Map.of("Authorization", "Bearer " + user)), null);
    }

    private static SessionSpec spec(String user, String path) {
        return new KeyDeriver(PoolConfig.DEFAULT_IDENTITY_HEADERS, java.util.Optional.empty()).derive(
                McpTarget.streamableHttp("http://127.0.0.1:9/" + path),
                CallerIdentity.of(user, Map.of("Authorization", "Bearer " + user)), null);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void reusesTheIdleSessionOfTheSameKey() {
        var engine = engine(config().build());
        var first = acquire(spec("alice"));
        engine.release(first, null, true);
        var second = acquire(spec("alice"));

        assertThat(second.session()).isSameAs(first.session());
        assertThat(engine.stats(0).hits()).isEqualTo(1);
        assertThat(engine.stats(0).misses()).isEqualTo(1);
    }

    @Test
    void neverHandsOneKeysSessionToAnotherKey() {
        var engine = engine(config().build());
        var alice = acquire(spec("alice"));
        engine.release(alice, null, true);
        var bob = acquire(spec("bob"));

        assertThat(bob.session()).isNotSameAs(alice.session());
        assertThat(bob.session().spec.key()).isEqualTo(spec("bob").key());
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        var engine = engine(config().maxSessionsPerKey(1).build());
        var held = acquire(spec("alice"));
        List<Integer> served = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(5);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int caller = i;
            futures.add(callers.submit(() -> {
                var e = acquire(spec("alice"));
                served.add(caller);
                engine.release(e, null, true);
            }));
            int queued = i + 1;
            Awaitility.await().until(() -> engine.stats(0).pendingAcquires() == queued);
        }
        engine.release(held, null, true);
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        callers.shutdown();

        assertThat(served).containsExactly(0, 1, 2, 3, 4);
        assertThat(factory.opened.get()).isEqualTo(1);
    }

    @Test
    void acquireTimesOutWithTheKeysCounts() {
        var engine = engine(config().maxSessionsPerKey(1).acquireTimeout(Duration.ofMillis(50)).build());
        acquire(spec("alice"));

        var waiting = engine.acquire(spec("alice"));
        clock.advance(Duration.ofMillis(49));
        timer.runDue();
        assertThat(waiting).isNotDone();
        clock.advance(Duration.ofMillis(1));
        timer.runDue();
        assertThat(waiting).isCompletedExceptionally();
        assertThatThrownBy(waiting::join).hasCauseInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("leased=1, idle=0, creating=0, waiting=0");
        assertThat(engine.stats(0).pendingAcquires()).isZero();
        assertThat(engine.stats(0).acquireTimeouts()).isEqualTo(1);
    }

    @Test
    void anExpiredSessionIsNeverHandedOutAndIsClosedOnRelease() {
        var engine = engine(config().sessionTtl(Duration.ofSeconds(10)).build());
        var first = acquire(spec("alice"));
        engine.release(first, null, true);
        clock.advance(Duration.ofSeconds(10));

        var second = acquire(spec("alice"));
        assertThat(second.session()).isNotSameAs(first.session());
        assertThat(first.session().closed).isTrue();

        clock.advance(Duration.ofSeconds(11));
        engine.release(second, null, true);
        assertThat(second.session().closed).isTrue();
        assertThat(events).containsExactly("discarded:TTL", "discarded:TTL");
    }

    @Test
    void ttlJitterShortensLifetimesWithinTheFraction() {
        var engine = engine(config().sessionTtl(Duration.ofSeconds(100)).ttlJitter(0.2).maxSessionsPerKey(50)
                .build());
        List<Long> lifetimes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            var e = acquire(spec("alice"));
            lifetimes.add(e.expiresAt - e.createdAt);
        }
        assertThat(lifetimes).allSatisfy(l -> assertThat(l).isBetween(80_000_000_000L, 100_000_000_000L));
        assertThat(lifetimes.stream().distinct().count()).isGreaterThan(40);
    }

    @Test
    void aFailedHealthCheckDiscardsTheSessionAndOpensAnother() {
        var engine = engine(config().healthCheckInterval(Duration.ofSeconds(60)).build());
        var first = acquire(spec("alice"));
        engine.release(first, null, true);
        factory.checkOutcome.set(HealthCheckOutcome.FAILED);
        clock.advance(Duration.ofSeconds(61));

        var second = acquire(spec("alice"));

        assertThat(second.session()).isNotSameAs(first.session());
        assertThat(first.session().closed).isTrue();
        assertThat(engine.stats(0).healthCheckFailures()).isEqualTo(1);
        assertThat(events).contains("discarded:HEALTH");
    }

    @Test
    void noHealthCheckWithinTheInterval() {
        var engine = engine(config().healthCheckInterval(Duration.ofSeconds(60)).build());
        engine.release(acquire(spec("alice")), null, true);
        clock.advance(Duration.ofSeconds(59));
        acquire(spec("alice"));
        assertThat(factory.checks.get()).isZero();
    }

    @Test
    void creationFailureReturnsTheSlotAndOpensTheBreakerAfterTheThreshold() {
        var engine = engine(config().maxSessionsPerKey(1).breakerFailureThreshold(2)
                .breakerOpenDuration(Duration.ofSeconds(30)).build());
        factory.failOpen.set(new RuntimeException("connection refused"));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> acquire(spec("alice"))).isInstanceOf(SessionCreationException.class);
        }
        assertThatThrownBy(() -> acquire(spec("bob"))).isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("http://127.0.0.1:9/mcp");
        assertThat(engine.totalSessions()).isZero();
        assertThat(engine.stats(0).breakerTrips()).isEqualTo(1);

        factory.failOpen.set(null);
        clock.advance(Duration.ofSeconds(30));
        var probe = acquire(spec("alice"));
        assertThat(probe).isNotNull();
        assertThat(events).containsSubsequence("breaker:CLOSED->OPEN", "breaker:OPEN->HALF_OPEN",
                "breaker:HALF_OPEN->CLOSED");
    }

    @Test
    void aFailedProbeReopensForLongerAndCallerSpecificFailuresDoNotCount() {
        var engine = engine(config().breakerFailureThreshold(1).breakerOpenDuration(Duration.ofSeconds(10))
                .breakerMaxOpenDuration(Duration.ofSeconds(15)).build());
        factory.failOpen.set(new RuntimeException("Invalid request. Status code: 401"));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> acquire(spec("mallory")))
                    .isInstanceOfSatisfying(SessionCreationException.class,
                            e -> assertThat(e.isCallerSpecific()).isTrue());
        }
        assertThat(engine.stats(0).breakers().get("http://127.0.0.1:9/mcp").state()).isEqualTo(BreakerState.CLOSED);

        factory.failOpen.set(new RuntimeException("connection refused"));
        assertThatThrownBy(() -> acquire(spec("alice"))).isInstanceOf(SessionCreationException.class);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> acquire(spec("alice"))).isInstanceOf(SessionCreationException.class);
        var breaker = engine.stats(0).breakers().get("http://127.0.0.1:9/mcp");
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.retryAfter()).isGreaterThan(Duration.ofSeconds(10)).isLessThanOrEqualTo(
                Duration.ofSeconds(15));
    }

    @Test
    void interruptedWaiterGivesEverythingBack() throws Exception {
        var engine = engine(config().maxSessionsPerKey(1).build());
        var held = acquire(spec("alice"));
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread waiter = new Thread(() -> {
            try {
                acquire(spec("alice"));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        waiter.start();
        Awaitility.await().until(() -> engine.stats(0).pendingAcquires() == 1);
        waiter.interrupt();
        waiter.join(5_000);

        assertThat(failure.get()).isInstanceOf(AcquireInterruptedException.class);
        assertThat(engine.stats(0).pendingAcquires()).isZero();
        engine.release(held, null, true);
        assertThat(engine.stats(0).idle()).isEqualTo(1);
        assertThat(engine.totalSessions()).isEqualTo(1);
    }

    @Test
    void housekeepingReapsIdleSessionsAndEvictsIdleKeys() {
        var engine = engine(config().sessionIdleTimeout(Duration.ofSeconds(100)).keyIdleTimeout(Duration.ofSeconds(
                200)).build());
        engine.release(acquire(spec("alice")), null, true);
        clock.advance(Duration.ofSeconds(100));
        engine.maintain(clock.nanoTime());
        assertThat(engine.stats(0).idle()).isZero();
        assertThat(engine.stats(0).sessionsReaped()).isEqualTo(1);
        assertThat(engine.stats(0).keyCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(100));
        engine.maintain(clock.nanoTime());
        assertThat(engine.stats(0).keyCount()).isZero();
        assertThat(engine.stats(0).keysEvicted()).isEqualTo(1);
        assertThat(events).contains("discarded:IDLE", "keyEvicted");
    }

    @Test
    void aKeyWithALeasedSessionIsNeverEvicted() {
        var engine = engine(config().keyIdleTimeout(Duration.ofSeconds(10)).sessionTtl(Duration.ofHours(2)).build());
        var held = acquire(spec("alice"));
        clock.advance(Duration.ofHours(1));
        engine.maintain(clock.nanoTime());
        assertThat(engine.stats(0).keyCount()).isEqualTo(1);
        engine.release(held, null, true);
        assertThat(engine.stats(0).idle()).isEqualTo(1);
    }

    @Test
    void atTheGlobalCapTheOldestIdleSessionOfAnotherKeyMakesRoom() {
        var engine = engine(config().maxSessionsPerKey(2).maxTotalSessions(2).build());
        var a = acquire(spec("alice"));
        var b = acquire(spec("bob"));
        engine.release(a, null, true);
        clock.advance(Duration.ofSeconds(1));
        engine.release(b, null, true);

        var carol = acquire(spec("carol"));

        assertThat(a.session().closed).isTrue();
        assertThat(b.session().closed).isFalse();
        assertThat(engine.totalSessions()).isEqualTo(2);
        assertThat(events).contains("discarded:CAPACITY");
        engine.release(carol, null, true);
    }

    @Test
    void globalCapHoldsUnderRacesAcrossManyKeys() throws Exception {
        var engine = engine(config().maxSessionsPerKey(3).maxTotalSessions(5).acquireTimeout(Duration.ofSeconds(
                20)).build());
        int threads = 16;
        var start = new CountDownLatch(1);
        var peak = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                start.await();
                var random = java.util.concurrent.ThreadLocalRandom.current();
                for (int i = 0; i < 500; i++) {
                    var e = acquire(spec("user-" + random.nextInt(8)));
                    peak.accumulateAndGet(factory.open.get(), Math::max);
                    assertThat(e.session().users.incrementAndGet()).isEqualTo(1);
                    e.session().users.decrementAndGet();
                    engine.release(e, random.nextInt(10) == 0 ? DiscardReason.BROKEN : null, true);
                }
                return id;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(peak.get()).isLessThanOrEqualTo(5);
        assertThat(engine.totalSessions()).isEqualTo(factory.open.get()).isLessThanOrEqualTo(5);
        var stats = engine.stats(0);
        assertThat(stats.leased()).isZero();
        assertThat(stats.creating()).isZero();
        assertThat(stats.pendingAcquires()).isZero();
        assertThat(stats.keys()).allSatisfy(k -> assertThat(k.idle()).isLessThanOrEqualTo(3));
    }

    @Test
    void closeFailsWaitersClosesEverySessionAndLaterReleasesAreNoOps() throws Exception {
        var engine = engine(config().maxSessionsPerKey(1).build());
        var held = acquire(spec("alice"));
        engine.release(acquire(spec("bob")), null, true);
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread waiter = new Thread(() -> {
            try {
                acquire(spec("alice"));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        waiter.start();
        Awaitility.await().until(() -> engine.stats(0).pendingAcquires() == 1);

        engine.close();
        waiter.join(5_000);

        assertThat(failure.get()).isInstanceOf(PoolClosedException.class);
        assertThat(factory.open.get()).isZero();
        engine.release(held, null, true);
        assertThat(factory.closed.get()).isEqualTo(2);
        assertThatThrownBy(() -> acquire(spec("alice"))).isInstanceOf(PoolClosedException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void drainClosesIdleSessionsAndRetiresLeasedOnesOnRelease() {
        var engine = engine(config().build());
        var leased = acquire(spec("alice"));
        var idle = acquire(spec("alice"));
        engine.release(idle, null, true);

        assertThat(engine.drain()).isEqualTo(1);
        assertThat(idle.session().closed).isTrue();
        engine.release(leased, null, true);
        assertThat(leased.session().closed).isTrue();
        var fresh = acquire(spec("alice"));
        assertThat(fresh.session()).isNotIn(idle.session(), leased.session());
    }

    @Test
    void minIdleAndPrewarmOpenSessionsAhead() {
        var engine = engine(config().minIdlePerKey(2).build());
        assertThat(engine.prewarm(spec("alice"), 3).join()).isEqualTo(3);
        assertThat(engine.stats(0).idle()).isEqualTo(3);

        engine.release(acquire(spec("bob")), null, true);
        engine.maintain(clock.nanoTime());
        Awaitility.await().until(() -> engine.stats(0).keys().stream()
                .filter(k -> k.key().equals(spec("bob").key())).findFirst().orElseThrow().idle() == 2);
    }

    @Test
    void aBlockedCreationOnOneKeyNeverDelaysAnotherKey() throws Exception {
        var engine = engine(config().build());
        factory.holdOpens();
        var slow = engine.acquire(spec("slow"));
        assertThat(engine.stats(0).creating()).isEqualTo(1);
        var held = factory.heldOpens.poll();

        factory.releaseAll();
        var fast = acquire(spec("fast"));
        assertThat(fast).isNotNull();
        assertThat(slow).isNotDone();
        held.complete(null);
        assertThat(slow.join()).isNotNull();
    }

    @Test
    void breakersOfUrlsNoKeyUsesAreForgottenUnlessTheyRememberFailures() {
        var engine = engine(config().keyIdleTimeout(Duration.ofSeconds(10)).build());
        for (int i = 0; i < 50; i++) {
            engine.release(acquire(spec("alice", "rotating-" + i)), null, true);
        }
        factory.failOpen.set(new RuntimeException("connection refused"));
        assertThatThrownBy(() -> acquire(spec("bob", "failing"))).isInstanceOf(SessionCreationException.class);
        factory.failOpen.set(null);
        assertThat(engine.stats(0).breakers()).hasSize(51);

        clock.advance(Duration.ofSeconds(10));
        engine.maintain(clock.nanoTime()); // the idle keys go, and with them their breakers

        assertThat(engine.stats(0).keyCount()).isZero();
        assertThat(engine.stats(0).breakers()).containsOnlyKeys("http://127.0.0.1:9/failing");
    }

    @Test
    void anIllegalStateTransitionFailsLoudly() {
        var engine = engine(config().build());
        var e = acquire(spec("alice"));
        assertThatThrownBy(() -> e.moveTo(SessionState.IDLE, SessionState.LEASED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("illegal session transition");
        assertThatThrownBy(() -> e.moveTo(SessionState.LEASED, SessionState.CLOSED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("LEASED -> CLOSED");
        engine.release(e, null, true);
    }
}
