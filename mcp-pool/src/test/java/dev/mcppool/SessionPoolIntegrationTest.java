package dev.mcppool;

import static dev.mcppool.Tools.echo;
import static dev.mcppool.Tools.whoami;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.WhoAmI;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pool against the real test server over real HTTP, on both transports. */
class SessionPoolIntegrationTest extends PoolFixture {

    private static final CallerIdentity ALICE =
            CallerIdentity.of("alice", Map.of("Authorization", "Bearer alice-token", "X-Tenant-Id", "acme"));
    private static final CallerIdentity BOB =
            CallerIdentity.of("bob", Map.of("Authorization", "Bearer bob-token", "X-Tenant-Id", "acme"));

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void reusesOneInitializedSessionAcrossLeases(Transport transport) {
        var pool = pool();
        long initsBefore = server.initializeCount();
        String firstSession;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(echo(lease.client(), "one")).isEqualTo("one");
            firstSession = whoami(lease.client()).sessionId();
        }
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(echo(lease.client(), "two")).isEqualTo("two");
            assertThat(whoami(lease.client()).sessionId()).isEqualTo(firstSession);
        }
        assertThat(server.initializeCount() - initsBefore).isEqualTo(1);
        assertThat(pool.stats().hits()).isEqualTo(1);
        assertThat(pool.stats().misses()).isEqualTo(1);
        assertThat(pool.stats().hitRate()).isEqualTo(0.5);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void sendsTheCallersHeadersAndTheTargetsHeadersToTheServer(Transport transport) {
        var pool = pool();
        var target = target(transport).withHeader("X-Gateway-Key", "gw-1");
        try (var lease = pool.acquire(target, ALICE)) {
            WhoAmI me = whoami(lease.client());
            assertThat(me.header("authorization")).isEqualTo("Bearer alice-token");
            assertThat(me.header("x-tenant-id")).isEqualTo("acme");
            assertThat(me.header("x-gateway-key")).isEqualTo("gw-1");
            assertThat(me.initHeader("authorization")).isEqualTo("Bearer alice-token");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void theCallersHttpClientCustomizationIsApplied(Transport transport) {
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
        var pool = pool(config().httpClientCustomizer(builder -> builder.proxy(proxy)).build());
        pool.call(target(transport), ALICE, c -> echo(c, "through the proxy selector"));
        assertThat(consulted.get()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void differentUsersNeverShareASession(Transport transport) {
        var pool = pool();
        String aliceSession;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            aliceSession = whoami(lease.client()).sessionId();
        }
        try (var lease = pool.acquire(target(transport), BOB)) {
            WhoAmI bob = whoami(lease.client());
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
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void transportIsPartOfTheKey(Transport transport) {
        var pool = pool();
        var other = transport == Transport.SSE ? Transport.STREAMABLE_HTTP : Transport.SSE;
        try (var a = pool.acquire(target(transport), ALICE); var b = pool.acquire(target(other), ALICE)) {
            assertThat(a.key().transport()).isEqualTo(transport);
            assertThat(b.key().transport()).isEqualTo(other);
            assertThat(whoami(a.client()).sessionId()).isNotEqualTo(whoami(b.client()).sessionId());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void anonymousCallersAreCounted(Transport transport) {
        var pool = pool();
        pool.call(target(transport), CallerIdentity.anonymous(), client -> echo(client, "x"));
        pool.call(target(transport), CallerIdentity.anonymous(), client -> echo(client, "x"));
        assertThat(pool.stats().anonymousIdentities()).isEqualTo(2);
        assertThat(pool.stats().keys()).singleElement()
                .satisfies(k -> assertThat(k.key().identityHash()).isEqualTo("anonymous"));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void anExhaustedKeyTimesOutWithItsCounts(Transport transport) {
        var pool = pool(config().maxSessionsPerKey(1).acquireTimeout(Duration.ofMillis(200)).build());
        try (var held = pool.acquire(target(transport), ALICE)) {
            assertThatThrownBy(() -> pool.acquire(target(transport), ALICE))
                    .isInstanceOf(PoolExhaustedException.class)
                    .hasMessageContaining("timed out after")
                    .hasMessageContaining("leased=1, idle=0, creating=0")
                    .hasMessageNotContaining("alice-token");
            try (var other = pool.acquire(target(transport), BOB)) {
                assertThat(echo(other.client(), "bob is not blocked by alice")).isNotEmpty();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void aHangingInitializeTimesOutAndGivesItsSlotBack(Transport transport) {
        var pool = pool(config().maxSessionsPerKey(1).createTimeout(Duration.ofMillis(500)).build());
        server.hangInitialize();
        assertThatThrownBy(() -> pool.acquire(target(transport), ALICE))
                .isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("could not open an MCP session");
        server.clearInitializeFault();
        assertThat(pool.stats().creating()).isZero();
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(echo(lease.client(), "after")).isEqualTo("after");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void aSessionPastItsTtlIsNeverHandedOutAndIsClosedOnRelease(Transport transport) {
        var pool = pool(config().sessionTtl(Duration.ofSeconds(300)).build());
        String first;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            first = whoami(lease.client()).sessionId();
            clock.advance(Duration.ofSeconds(301));
        }
        assertThat(pool.stats().idle()).isZero();
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(whoami(lease.client()).sessionId()).isNotEqualTo(first);
        }
        assertThat(pool.stats().evictions()).isEqualTo(1);
        server.awaitLiveSessions(1, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void anIdleSessionIsPingedBeforeReuseAndReplacedWhenTheServerForgotIt(Transport transport) {
        var pool = pool(config().healthCheckInterval(Duration.ofSeconds(60)).build());
        String first;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            first = whoami(lease.client()).sessionId();
        }
        long pings = server.pingCount();
        clock.advance(Duration.ofSeconds(30));
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(server.pingCount()).isEqualTo(pings);
        }
        clock.advance(Duration.ofSeconds(61));
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(server.pingCount()).isEqualTo(pings + 1);
            assertThat(whoami(lease.client()).sessionId()).isEqualTo(first);
        }

        server.forgetAllSessions();
        clock.advance(Duration.ofSeconds(61));
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(whoami(lease.client()).sessionId()).isNotEqualTo(first);
        }
        // Streamable HTTP: the SDK re-initializes the client in place and the repeated ping passes.
        // SSE: the ping fails, the session is discarded and a new one opened.
        assertThat(pool.stats().healthCheckFailures()).isEqualTo(transport == Transport.SSE ? 1 : 0);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void theHealthCheckChainFallsThroughUnsupportedMethods(Transport transport) {
        List<String> steps = new CopyOnWriteArrayList<>();
        PoolListener recorder = new PoolListener() {
            @Override
            public void healthChecked(PoolKey key, HealthCheckMethod method, HealthCheckOutcome outcome) {
                steps.add(method + ":" + outcome);
            }
        };
        var pool = pool(config().healthCheckInterval(Duration.ZERO).listener(recorder)
                .healthCheckMethods(HealthCheckMethod.LIST_PROMPTS, HealthCheckMethod.LIST_TOOLS).build());
        pool.call(target(transport), ALICE, c -> echo(c, "a"));
        clock.advance(Duration.ofSeconds(1));
        pool.call(target(transport), ALICE, c -> echo(c, "b"));
        assertThat(steps).containsExactly("LIST_PROMPTS:UNSUPPORTED", "LIST_TOOLS:PASSED");
        assertThat(pool.stats().misses()).isEqualTo(1);

        var strict = pool(config().healthCheckInterval(Duration.ZERO)
                .healthCheckMethods(HealthCheckMethod.LIST_RESOURCES).build());
        strict.call(target(transport), ALICE, c -> echo(c, "a"));
        clock.advance(Duration.ofSeconds(1));
        strict.call(target(transport), ALICE, c -> echo(c, "b"));
        assertThat(strict.stats().misses()).isEqualTo(2);
        assertThat(strict.stats().healthCheckFailures()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void theBreakerFailsFastAfterRepeatedCreationFailuresAndResetsAfterItsTime(Transport transport) {
        List<String> transitions = new CopyOnWriteArrayList<>();
        PoolListener recorder = new PoolListener() {
            @Override
            public void breakerStateChanged(String url, BreakerState from, BreakerState to) {
                transitions.add(from + "->" + to);
            }
        };
        var pool = pool(config().breakerFailureThreshold(2).breakerOpenDuration(Duration.ofSeconds(60))
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
            assertThat(echo(lease.client(), "recovered")).isEqualTo("recovered");
        }
        assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void idleKeysAreEvictedAndTheirSessionsClosed(Transport transport) {
        var pool = pool(config().keyIdleTimeout(Duration.ofSeconds(600)).build());
        pool.call(target(transport), ALICE, c -> echo(c, "a"));
        pool.call(target(transport), BOB, c -> echo(c, "b"));
        server.awaitLiveSessions(2, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(599));
        pool.call(target(transport), BOB, c -> echo(c, "b"));
        clock.advance(Duration.ofSeconds(1));
        pool.maintain();

        assertThat(pool.stats().keyCount()).isEqualTo(1);
        assertThat(pool.stats().keysEvicted()).isEqualTo(1);
        assertThat(pool.stats().sessionsReaped()).isEqualTo(1);
        server.awaitLiveSessions(1, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void aLeaseMarkedBrokenIsDiscardedNotReused(Transport transport) {
        var pool = pool();
        String first;
        try (var lease = pool.acquire(target(transport), ALICE)) {
            first = whoami(lease.client()).sessionId();
            lease.markBroken();
        }
        try (var lease = pool.acquire(target(transport), ALICE)) {
            assertThat(whoami(lease.client()).sessionId()).isNotEqualTo(first);
        }
        server.awaitLiveSessions(1, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void leaseCloseIsIdempotentAndTheClientIsOffLimitsAfterwards(Transport transport) {
        var pool = pool();
        var lease = pool.acquire(target(transport), ALICE);
        lease.close();
        lease.close();
        assertThat(lease.isClosed()).isTrue();
        assertThatThrownBy(lease::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(pool.stats().idle()).isEqualTo(1);
        assertThat(pool.stats().leased()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void closeEndsEverySessionOnTheServerAndRefusesFurtherAcquires(Transport transport) {
        var pool = pool();
        var leased = pool.acquire(target(transport), ALICE);
        pool.call(target(transport), BOB, c -> echo(c, "b"));
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
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void statsAndKeysNeverShowSecrets(Transport transport) {
        var pool = pool();
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
