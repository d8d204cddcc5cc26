package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.Door;
import dev.mcppool.PoolStats;
import dev.mcppool.Route;
import dev.mcppool.TestLease;
import dev.mcppool.TestPool;
import dev.mcppool.testing.WhoAmI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Item 1: 100,000 leases by 4 threads across 1,000 identities of five kinds, against the real server. Every lease is
 * checked against the pool's bookkeeping (the lease's key is the caller's, its client was only ever leased to that
 * caller and to one holder at a time); every 10th lease of each thread also calls the server's {@code whoami}
 * (10,000 real calls on randomly chosen callers), which tells which session the server saw and with which headers it
 * was created. Through both doors.
 *
 * <p>Why not 100,000 {@code whoami} calls: each real call costs about 2 ms of this 2-core machine's time, with the
 * server in the same JVM, so 100,000 would take well over a minute alone. More threads do not help on 2 cores.
 */
class IsolationUnderLoadTest extends ReliabilityFixture {

    private static final int LEASES = 100_000;
    private static final int THREADS = 4;
    private static final int WHOAMI_EVERY = 10;
    private static final String CALLER_TAG = "X-Test-Caller";

    /** One caller: its identity, its route, and what the server must see on its sessions. */
    private record Caller(int index, String kind, CallerIdentity identity, Route route, String authorization,
            String tag) {
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void noSessionIsEverSeenByAnyoneButTheIdentityThatCreatedIt(Door door) throws Exception {
        TestPool pool = pool(door, config().maxSessionsPerKey(1).maxTotalSessions(2_500).maxKeys(2_000)
                .acquireTimeout(Duration.ofSeconds(60)).build());
        List<Caller> callers = callers(pool);

        Map<Object, Integer> ownerOfClient = new ConcurrentHashMap<>();
        Map<Object, AtomicInteger> holders = new ConcurrentHashMap<>();
        Map<String, Integer> ownerOfServerSession = new ConcurrentHashMap<>();
        Map<String, Object> clientOfServerSession = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        LongAdder leases = new LongAdder();
        LongAdder whoamis = new LongAdder();
        LongAdder whoamiNanos = new LongAdder();
        Map<String, LongAdder> leasesByKind = new ConcurrentHashMap<>();

        var start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        long began = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            futures.add(threads.submit(() -> {
                start.await();
                var random = ThreadLocalRandom.current();
                for (int i = 0; i < LEASES / THREADS; i++) {
                    Caller caller = callers.get(random.nextInt(callers.size()));
                    try (TestLease lease = pool.acquire(caller.route())) {
                        leases.increment();
                        leasesByKind.computeIfAbsent(caller.kind(), k -> new LongAdder()).increment();
                        Object client = lease.client();
                        AtomicInteger holding = holders.computeIfAbsent(client, c -> new AtomicInteger());
                        if (holding.incrementAndGet() != 1) {
                            mismatches.add("client leased to two holders at once, caller " + caller.index());
                        }
                        if (!lease.key().equals(caller.route().key())) {
                            mismatches.add("lease key differs from the caller's key, caller " + caller.index());
                        }
                        Integer owner = ownerOfClient.putIfAbsent(client, caller.index());
                        if (owner != null && owner != caller.index()) {
                            mismatches.add("client of caller " + owner + " leased to caller " + caller.index());
                        }
                        if (i % WHOAMI_EVERY == 0) {
                            whoamis.increment();
                            long t0 = System.nanoTime();
                            WhoAmI seen = lease.whoami();
                            whoamiNanos.add(System.nanoTime() - t0);
                            checkOnTheServer(caller, client, seen, ownerOfServerSession,
                                    clientOfServerSession, mismatches);
                        }
                        holding.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(180, TimeUnit.SECONDS);
        }
        threads.shutdown();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        PoolStats stats = pool.stats();
        assertThat(mismatches).isEmpty();
        assertThat(leases.sum()).isEqualTo(LEASES);
        assertThat(whoamis.sum()).isGreaterThanOrEqualTo(10_000);
        assertThat(stats.keyCount()).isEqualTo(callers.size());
        assertThat(stats.keys()).allSatisfy(k -> assertThat(k.idle() + k.leased() + k.creating()).isEqualTo(1));
        assertThat(stats.hits() + stats.misses()).isEqualTo(LEASES);
        assertThat(stats.creationFailures()).isZero();
        assertQuiescent(stats);
        server.awaitLiveSessions(stats.idle(), Duration.ofSeconds(10));
        assertThat(ownerOfServerSession).hasSizeLessThanOrEqualTo(stats.idle());

        Map<String, Long> byKind = new HashMap<>();
        leasesByKind.forEach((k, v) -> byKind.put(k, v.sum()));
        Row.print("isolation", door + " leases=" + leases.sum() + " threads=" + THREADS + " identities=" + callers.size()
                + " byKind=" + byKind + " whoami=" + whoamis.sum() + " serverSessionsSeen="
                + ownerOfServerSession.size() + " sessionsOpened=" + stats.misses() + " hits=" + stats.hits()
                 + " mismatches=" + mismatches.size() + " whoamiMeanMs=" + String.format("%.2f", whoamiNanos.sum() / 1e6 / whoamis.sum())
                + " took=" + took.toMillis() + "ms");
    }

    private static void checkOnTheServer(Caller caller, Object client, WhoAmI seen,
            Map<String, Integer> ownerOfServerSession, Map<String, Object> clientOfServerSession,
            ConcurrentLinkedQueue<String> mismatches) {
        Integer owner = ownerOfServerSession.putIfAbsent(seen.sessionId(), caller.index());
        if (owner != null && owner != caller.index()) {
            mismatches.add("server session of caller " + owner + " seen by caller " + caller.index());
        }
        Object known = clientOfServerSession.putIfAbsent(seen.sessionId(), client);
        if (known != null && known != client) {
            mismatches.add("server session " + seen.sessionId() + " reached through two clients");
        }
        // The session was created with this caller's own headers, and this call carried them too.
        if (!Objects.equals(seen.initHeader("authorization"), caller.authorization())
                || !Objects.equals(seen.initHeader(CALLER_TAG), caller.tag())) {
            mismatches.add("session seen by caller " + caller.index() + " was created for someone else");
        }
        if (!Objects.equals(seen.header("authorization"), caller.authorization())
                || !Objects.equals(seen.header(CALLER_TAG), caller.tag())) {
            mismatches.add("call of caller " + caller.index() + " carried someone else's headers");
        }
    }

    /**
     * 1,000 identities: 350 users with their own token, 250 callers known only by their own token, 300 users who
     * share three tokens (a shared API key), 99 users without any credential, and the anonymous caller. Each carries
     * a non-identity header naming it, so the server can tell who created a session.
     */
    private static List<Caller> callers(TestPool pool) {
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < 350; i++) {
            add(pool, callers, "user+own-token", "user-a" + i, "Bearer token-a" + i);
        }
        for (int i = 0; i < 250; i++) {
            add(pool, callers, "token-only", null, "Bearer token-b" + i);
        }
        for (int i = 0; i < 300; i++) {
            add(pool, callers, "shared-token", "user-c" + i, "Bearer shared-" + (i % 3));
        }
        for (int i = 0; i < 99; i++) {
            add(pool, callers, "user-no-credential", "user-d" + i, null);
        }
        CallerIdentity anonymous = CallerIdentity.anonymous();
        callers.add(new Caller(callers.size(), "anonymous", anonymous, pool.route(target(), anonymous), null, null));
        return callers;
    }

    private static void add(TestPool pool, List<Caller> callers, String kind, String user,
            String authorization) {
        int index = callers.size();
        String tag = "caller-" + index;
        Map<String, String> headers = new HashMap<>();
        headers.put(CALLER_TAG, tag);
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        CallerIdentity identity = user == null ? CallerIdentity.headers(headers) : CallerIdentity.of(user, headers);
        callers.add(new Caller(index, kind, identity, pool.route(target(), identity), authorization, tag));
    }
}
