package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.testing.WhoAmI;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many threads acquire, call, release, break and get interrupted at random across several identities, against the
 * real server. Afterwards: every whoami answer matched the leasing caller, no session served two keys, every permit
 * is back, nothing is leased, and the server holds exactly the pool's idle sessions. Both doors; interrupts only
 * through the sync door, since an interrupt is how a blocked caller of that door gives up (the async door's callers
 * cancel their future instead: CancellationTest, AsyncPoolTest).
 */
class ConcurrencyIntegrationTest extends PoolFixture {

    private static final int IDENTITIES = 6;
    private static final int THREADS = 12;
    private static final int OPERATIONS_PER_THREAD = 60;

    static Stream<Arguments> doorsAndThreadKinds() {
        return Stream.of(Door.values()).flatMap(door -> Stream.of("platform", "virtual")
                .map(kind -> Arguments.of(door, kind)));
    }

    @ParameterizedTest
    @MethodSource("doorsAndThreadKinds")
    void invariantsHoldUnderRandomAcquireReleaseBreakAndInterrupt(Door door, String threadKind) throws Exception {
        ExecutorService threads = threads(threadKind, THREADS);
        var pool = pool(door, config().maxSessionsPerKey(3).maxTotalSessions(12).acquireTimeout(Duration.ofSeconds(20))
                .build());
        List<CallerIdentity> identities = new ArrayList<>();
        for (int i = 0; i < IDENTITIES; i++) {
            // Two users share a credential: the user must still separate their sessions.
            String token = i < 2 ? "shared-token" : "token-" + i;
            identities.add(CallerIdentity.of("user-" + i, Map.of("Authorization", "Bearer " + token)));
        }
        var target = target(Transport.STREAMABLE_HTTP);
        Map<String, String> ownerOfServerSession = new ConcurrentHashMap<>();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        var start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(threads.submit(() -> {
                start.await();
                var random = ThreadLocalRandom.current();
                for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                    int who = random.nextInt(IDENTITIES);
                    CallerIdentity caller = identities.get(who);
                    if (door == Door.SYNC && random.nextInt(20) == 0) {
                        Thread.currentThread().interrupt();
                    }
                    try (TestLease lease = pool.acquire(target, caller)) {
                        if (Thread.interrupted()) {
                            // The interrupt came too late to stop the acquire; it would only abort the call.
                            lease.markBroken();
                            continue;
                        }
                        WhoAmI seen = lease.whoami();
                        calls.incrementAndGet();
                        String owner = ownerOfServerSession.putIfAbsent(seen.sessionId(), "user-" + who);
                        boolean sameUser = owner == null || owner.equals("user-" + who);
                        boolean sameToken = caller.headers().get("Authorization")
                                .equals(seen.initHeader("authorization"));
                        if (!sameUser || !sameToken) {
                            mismatches.incrementAndGet();
                        }
                        if (random.nextInt(8) == 0) {
                            lease.markBroken();
                        }
                    } catch (AcquireInterruptedException e) {
                        interrupted.incrementAndGet();
                    } finally {
                        Thread.interrupted();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();

        PoolStats stats = pool.stats();
        assertThat(mismatches.get()).isZero();
        assertThat(calls.get()).isGreaterThan(THREADS * OPERATIONS_PER_THREAD / 2);
        assertThat(stats.leased()).isZero();
        assertThat(stats.creating()).isZero();
        assertThat(stats.pendingAcquires()).isZero();
        assertThat(stats.totalSessions()).isEqualTo(stats.idle()).isLessThanOrEqualTo(12);
        assertThat(stats.keys()).hasSize(IDENTITIES)
                .allSatisfy(k -> assertThat(k.idle() + k.leased() + k.creating()).isLessThanOrEqualTo(3));
        server.awaitLiveSessions(stats.idle(), Duration.ofSeconds(10));
    }

    /** Virtual threads where the JDK has them (21+), found reflectively since the library targets Java 17. */
    private static ExecutorService threads(String kind, int count) {
        if (kind.equals("virtual")) {
            try {
                Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
                return (ExecutorService) factory.invoke(null);
            } catch (ReflectiveOperationException e) {
                org.junit.jupiter.api.Assumptions.assumeTrue(false, "this JDK has no virtual threads");
            }
        }
        return Executors.newFixedThreadPool(count);
    }
}
