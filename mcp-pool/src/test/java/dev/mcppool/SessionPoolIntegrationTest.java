package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.WhoAmI;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The pool against the real test server over real HTTP, through both doors, on both transports. */
class SessionPoolIntegrationTest extends PoolFixture {

    private static final String DOORS_AND_TRANSPORTS = "dev.mcppool.Door#withHttpTransports";

    private static final CallerIdentity ALICE =
            CallerIdentity.of("alice", Map.of("Authorization", "Bearer alice-token", "X-Tenant-Id", "acme"));
    private static final CallerIdentity BOB =
            CallerIdentity.of("bob", Map.of("Authorization", "Bearer bob-token", "X-Tenant-Id", "acme"));

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void reusesOneInitializedSessionAcrossLeases(Door door, Transport transport) {
        var pool = pool(door);
        long initsBefore = server.initializeCount();
        String firstSession;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(lease.echo("one")).isEqualTo("one");
            firstSession = lease.whoami().sessionId();
        }
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(lease.echo("two")).isEqualTo("two");
            assertThat(lease.whoami().sessionId()).isEqualTo(firstSession);
        }
        assertThat(server.initializeCount() - initsBefore).isEqualTo(1);
        assertThat(pool.stats().hits()).isEqualTo(1);
        assertThat(pool.stats().misses()).isEqualTo(1);
        assertThat(pool.stats().hitRate()).isEqualTo(0.5);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void sendsTheCallersHeadersAndTheTargetsHeadersToTheServer(Door door, Transport transport) {
        var pool = pool(door);
        var target = target(transport).withHeader("X-Gateway-Key", "gw-1");
        try (var lease = pool.acquire(target, ALICE)) {
            WhoAmI me = lease.whoami();
            assertThat(me.header("authorization")).isEqualTo("Bearer alice-token");
            assertThat(me.header("x-tenant-id")).isEqualTo("acme");
            assertThat(me.header("x-gateway-key")).isEqualTo("gw-1");
            assertThat(me.initHeader("authorization")).isEqualTo("Bearer alice-token");
        }
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void theCallersHttpClientCustomizationIsApplied(Door door, Transport transport) {
        var consulted = new java.util.concurrent.atomic.AtomicInteger();
        var proxy = new java.net.ProxySelector() {
            @Override
            public List<java.net.Proxy> select(java.net.URI uri) {
                consulted.incrementAndGet();
                return List.of(java.net.Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(java.net.URI uri, java.net.SocketAddress address, java.io.IOException e) {
            }
        };
        var pool = pool(door, config().httpClientCustomizer(builder -> builder.proxy(proxy)).build());
        pool.echo(target(transport), ALICE, "through the proxy selector");
        assertThat(consulted.get()).isPositive();
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void differentUsersNeverShareASession(Door door, Transport transport) {
        var pool = pool(door);
        String aliceSession;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            aliceSession = lease.whoami().sessionId();
        }
        try (var lease = pool.acquire(target(transport), BOB)) {
            WhoAmI bob = lease.whoami();
            assertThat(bob.sessionId()).isNotEqualTo(aliceSession);
            assertThat(bob.initHeader("authorization")).isEqualTo("Bearer bob-token");
        }
        var sharedCredential = Map.of("Authorization", "Bearer shared-key");
        try (var a = pool.acquire(target(transport), CallerIdentity.of("carol", sharedCredential));
                var b = pool.acquire(target(transport), CallerIdentity.of("dave", sharedCredential))) {
            assertThat(a.key()).isNotEqualTo(b.key());
        }
        assertThat(pool.stats().keyCount()).isEqualTo(4);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void transportIsPartOfTheKey(Door door, Transport transport) {
        var pool = pool(door);
        var other = transport == Transport.SSE ? Transport.STREAMABLE_HTTP : Transport.SSE;
        try (var a = pool.acquire(target(transport), ALICE); var b = pool.acquire(target(other), ALICE)) {
            assertThat(a.key().transport()).isEqualTo(transport);
            assertThat(b.key().transport()).isEqualTo(other);
            assertThat(a.whoami().sessionId()).isNotEqualTo(b.whoami().sessionId());
        }
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void anonymousCallersAreCounted(Door door, Transport transport) {
        var pool = pool(door);
        pool.echo(target(transport), CallerIdentity.anonymous(), "x");
        pool.echo(target(transport), CallerIdentity.anonymous(), "x");
        assertThat(pool.stats().anonymousIdentities()).isEqualTo(2);
        assertThat(pool.stats().keys()).singleElement()
                .satisfies(k -> assertThat(k.key().identityHash()).isEqualTo("anonymous"));
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void anExhaustedKeyTimesOutWithItsCounts(Door door, Transport transport) {
        var pool = pool(door, config().maxSessionsPerKey(1).acquireTimeout(Duration.ofMillis(200)).build());
        try (var held = pool.acquire(target(transport), ALICE)) {
            assertThatThrownBy(() -> pool.acquire(target(transport), ALICE))
                    .isInstanceOf(PoolExhaustedException.class)
                    .hasMessageContaining("timed out after")
                    .hasMessageContaining("leased=1, idle=0, creating=0")
                    .hasMessageNotContaining("alice-token");
            try (var other = pool.acquire(target(transport), BOB)) {
                assertThat(other.echo("bob is not blocked by alice")).isNotEmpty();
            }
        }
        assertThat(pool.stats().pendingAcquires()).isZero();
        assertThat(pool.stats().idle()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void aHangingInitializeTimesOutAndGivesItsSlotBack(Door door, Transport transport) {
        var pool = pool(door, config().maxSessionsPerKey(1).createTimeout(Duration.ofMillis(500)).build());
        server.hangInitialize();
        assertThatThrownBy(() -> pool.acquire(target(transport), ALICE))
                .isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("could not open an MCP session");
        server.clearInitializeFault();
        assertThat(pool.stats().creating()).isZero();
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(lease.echo("after")).isEqualTo("after");
        }
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void aSessionPastItsTtlIsNeverHandedOutAndIsClosedOnRelease(Door door, Transport transport) {
        var pool = pool(door, config().sessionTtl(Duration.ofSeconds(300)).build());
        String first;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            first = lease.whoami().sessionId();
            clock.advance(Duration.ofSeconds(301));
        }
        assertThat(pool.stats().idle()).isZero();
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(lease.whoami().sessionId()).isNotEqualTo(first);
        }
        assertThat(pool.stats().evictions()).isEqualTo(1);
        server.awaitLiveSessions(1, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void anIdleSessionIsPingedBeforeReuseAndReplacedWhenTheServerForgotIt(Door door, Transport transport) {
        var pool = pool(door, config().healthCheckInterval(Duration.ofSeconds(60)).build());
        String first;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            first = lease.whoami().sessionId();
        }
        long pings = server.pingCount();
        clock.advance(Duration.ofSeconds(30));
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(server.pingCount()).isEqualTo(pings);
        }
        clock.advance(Duration.ofSeconds(61));
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(server.pingCount()).isEqualTo(pings + 1);
            assertThat(lease.whoami().sessionId()).isEqualTo(first);
        }

        server.forgetAllSessions();
        clock.advance(Duration.ofSeconds(61));
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(lease.whoami().sessionId()).isNotEqualTo(first);
        }
        // Streamable HTTP: the SDK re-initializes the client in place and the repeated ping passes.
        // SSE: the ping fails, the session is discarded and a new one opened.
        assertThat(pool.stats().healthCheckFailures()).isEqualTo(transport == Transport.SSE ? 1 : 0);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void theHealthCheckChainFallsThroughUnsupportedMethods(Door door, Transport transport) {
        List<String> steps = new CopyOnWriteArrayList<>();
        PoolListener recorder = new PoolListener() {
            @Override
            public void healthChecked(PoolKey key, HealthCheckMethod method, HealthCheckOutcome outcome) {
                steps.add(method + ":" + outcome);
            }
        };
        var pool = pool(door, config().healthCheckInterval(Duration.ZERO).listener(recorder)
                .healthCheckMethods(HealthCheckMethod.LIST_PROMPTS, HealthCheckMethod.LIST_TOOLS).build());
        pool.echo(target(transport), ALICE, "a");
        clock.advance(Duration.ofSeconds(1));
        pool.echo(target(transport), ALICE, "b");
        assertThat(steps).containsExactly("LIST_PROMPTS:UNSUPPORTED", "LIST_TOOLS:PASSED");
        assertThat(pool.stats().misses()).isEqualTo(1);

        var strict = pool(door, config().healthCheckInterval(Duration.ZERO)
                .healthCheckMethods(HealthCheckMethod.LIST_RESOURCES).build());
        strict.echo(target(transport), ALICE, "a");
        clock.advance(Duration.ofSeconds(1));
        strict.echo(target(transport), ALICE, "b");
        assertThat(strict.stats().misses()).isEqualTo(2);
        assertThat(strict.stats().healthCheckFailures()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void theBreakerFailsFastAfterRepeatedCreationFailuresAndResetsAfterItsTime(Door door, Transport transport) {
        List<String> transitions = new CopyOnWriteArrayList<>();
        PoolListener recorder = new PoolListener() {
            @Override
            public void breakerStateChanged(String url, BreakerState from, BreakerState to) {
                transitions.add(from + "->" + to);
            }
        };
        var pool = pool(door, config().breakerFailureThreshold(2).breakerOpenDuration(Duration.ofSeconds(60))
                .breakerMaxOpenDuration(Duration.ofMinutes(10))
                .listener(recorder).build());
        server.failInitialize(500);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> pool.acquire(target(transport), ALICE))
                    .isInstanceOf(SessionCreationException.class);
        }
        long initializes = server.initializeCount();
        assertThatThrownBy(() -> pool.acquire(target(transport), BOB))
                .isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining(server.baseUrl());
        assertThat(server.initializeCount()).isEqualTo(initializes);
        assertThat(pool.stats().breakerTrips()).isEqualTo(1);

        server.clearInitializeFault();
        clock.advance(Duration.ofSeconds(60));
        try (var lease = pool.acquire(target(transport), BOB)) {
            assertThat(lease.echo("recovered")).isEqualTo("recovered");
        }
        assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void idleKeysAreEvictedAndTheirSessionsClosed(Door door, Transport transport) {
        var pool = pool(door, config().keyIdleTimeout(Duration.ofSeconds(600)).build());
        pool.echo(target(transport), ALICE, "a");
        pool.echo(target(transport), BOB, "b");
        server.awaitLiveSessions(2, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(599));
        pool.echo(target(transport), BOB, "b");
        clock.advance(Duration.ofSeconds(1));
        pool.maintain();

        assertThat(pool.stats().keyCount()).isEqualTo(1);
        assertThat(pool.stats().keysEvicted()).isEqualTo(1);
        assertThat(pool.stats().sessionsReaped()).isEqualTo(1);
        server.awaitLiveSessions(1, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void aLeaseMarkedBrokenIsDiscardedNotReused(Door door, Transport transport) {
        var pool = pool(door);
        String first;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            first = lease.whoami().sessionId();
            lease.markBroken();
        }
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(lease.whoami().sessionId()).isNotEqualTo(first);
        }
        server.awaitLiveSessions(1, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void leaseCloseIsIdempotentAndTheClientIsOffLimitsAfterwards(Door door, Transport transport) {
        var pool = pool(door);
        var lease = pool.acquire(target(transport), ALICE);
        lease.close();
        lease.close();
        assertThat(lease.isClosed()).isTrue();
        assertThatThrownBy(lease::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(pool.stats().idle()).isEqualTo(1);
        assertThat(pool.stats().leased()).isZero();
    }

    /** A lease's per-call headers stay with the lease; the pool's call then reuses the lease's session. */
    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void aLeaseAndThePoolsCallShareTheSessionButNotTheCallHeaders(Door door, Transport transport) {
        var pool = pool(door);
        var alice = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));
        WhoAmI first;
        try (var lease = pool.acquire(target(transport), alice)) {
            lease.setCallHeaders(Map.of("traceparent", "00-async-01"));
            first = lease.whoami();
        }
        assertThat(first.header("authorization")).isEqualTo("Bearer a");
        assertThat(first.header("traceparent")).isEqualTo("00-async-01");

        WhoAmI second = WhoAmI.from(pool.call(target(transport), alice, "whoami", Map.of()));
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(second.header("traceparent")).isNull();
        assertThat(pool.stats().misses()).isEqualTo(1);
        assertThat(pool.stats().hits()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void closeFailsPendingAcquires(Door door) throws Exception {
        var pool = pool(door, config().maxSessionsPerKey(1).build());
        var target = target(Transport.STREAMABLE_HTTP);
        var held = pool.acquire(target, ALICE);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<TestLease> waiting = caller.submit(() -> pool.acquire(target, ALICE));
            Awaitility.await().until(() -> pool.stats().pendingAcquires() == 1);
            pool.close();
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(PoolClosedException.class);
        } finally {
            caller.shutdownNow();
        }
        held.close();
        assertThatThrownBy(() -> pool.acquire(target, ALICE)).isInstanceOf(PoolClosedException.class);
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void closeEndsEverySessionOnTheServerAndRefusesFurtherAcquires(Door door, Transport transport) {
        var pool = pool(door);
        var leased = pool.acquire(target(transport), ALICE);
        pool.echo(target(transport), BOB, "b");
        server.awaitLiveSessions(2, Duration.ofSeconds(10));
        long deletes = server.deleteCount();

        pool.close();

        server.awaitLiveSessions(0, Duration.ofSeconds(10));
        if (transport == Transport.STREAMABLE_HTTP) {
            assertThat(server.deleteCount() - deletes).isEqualTo(2);
        }
        assertThatThrownBy(() -> pool.acquire(target(transport), ALICE))
                .isInstanceOf(PoolClosedException.class);
        leased.close();
        pool.close();
        assertThat(pool.stats().totalSessions()).isZero();
    }

    @ParameterizedTest
    @MethodSource(DOORS_AND_TRANSPORTS)
    void statsAndKeysNeverShowSecrets(Door door, Transport transport) {
        var pool = pool(door);
        var secret = CallerIdentity.of("alice@example.com", Map.of("Authorization", "Bearer s3cr3t-t0ken",
                "Cookie", "session=c00kie"));
        try (var lease = pool.acquire(McpTarget.of(target(transport).uri() + "?api_key=q-s3cret", transport),
                secret)) {
            String shown = pool.stats() + " " + lease.key() + " " + lease + " " + secret + " "
                    + pool.route(target(transport), secret);
            assertThat(shown).doesNotContain("s3cr3t-t0ken", "c00kie", "alice@example.com", "q-s3cret");
            assertThat(lease.key().identityHash()).matches("[0-9a-f]{64}");
            assertThat(lease.key().userHash()).matches("[0-9a-f]{64}");
        }
    }
}
