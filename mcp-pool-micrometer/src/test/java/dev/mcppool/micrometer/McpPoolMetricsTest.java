package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcppool.DiscardReason;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.PoolKey;
import dev.mcppool.SessionCreationException;
import dev.mcppool.SessionLease;
import dev.mcppool.Transport;
import dev.mcppool.testing.ManualClock;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class McpPoolMetricsTest extends MetricsFixture {

    // ------------------------------------------------------------------------------------------------ gauges

    @Test
    void sessionsGaugeFollowsLeasedAndIdleSessions() {
        McpSessionPool pool = pool(config());
        assertThat(sessions("leased")).isZero();
        assertThat(gauge("mcp.pool.keys")).isZero();

        try (SessionLease lease = pool.acquire(target, ALICE)) {
            echo(lease);
            assertThat(sessions("leased")).isEqualTo(1);
            assertThat(sessions("idle")).isZero();
            assertThat(gauge("mcp.pool.keys")).isEqualTo(1);
        }
        assertThat(sessions("leased")).isZero();
        assertThat(sessions("idle")).isEqualTo(1);
        assertThat(sessions("creating")).isZero();
    }

    @Test
    void creatingGaugeCountsSessionsStillInitializing() {
        McpSessionPool pool = pool(config());
        server.hangInitialize();
        CompletableFuture<SessionLease> acquiring = CompletableFuture.supplyAsync(() -> pool.acquire(target, ALICE));

        await().atMost(Duration.ofSeconds(10)).until(() -> sessions("creating") == 1);
        server.clearInitializeFault(); // answers the held initialize with 503
        assertThatThrownBy(acquiring::join).hasCauseInstanceOf(SessionCreationException.class);
        assertThat(sessions("creating")).isZero();
        assertThat(timerCount("mcp.pool.session.creation", "outcome", "failure")).isEqualTo(1);
    }

    @Test
    void pendingGaugeCountsCallersWaitingForASession() {
        McpSessionPool pool = pool(config().maxSessionsPerKey(1));
        SessionLease held = pool.acquire(target, ALICE);
        CompletableFuture<SessionLease> waiting = CompletableFuture.supplyAsync(() -> pool.acquire(target, ALICE));

        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("mcp.pool.pending") == 1);
        held.close();
        waiting.join().close();
        assertThat(gauge("mcp.pool.pending")).isZero();
    }

    @Test
    void oldestSessionAgeIsInSecondsOfThePoolClock() {
        McpSessionPool pool = pool(config());
        assertThat(oldestSessionAgeSeconds()).isZero();

        useOnce(pool);
        clock.advance(Duration.ofSeconds(42));

        assertThat(oldestSessionAgeSeconds()).isEqualTo(42.0);
        assertThat(registry.get("mcp.pool.oldest.session.age").timeGauge().baseTimeUnit())
                .isEqualTo(TimeUnit.SECONDS);
    }

    @Test
    void gaugesReadOneStatsSnapshotPerSecond() {
        ManualClock scrapeClock = ManualClock.start();
        McpSessionPool pool = pool(config(),
                new McpPoolMetrics(registry, Tags.empty(), scrapeClock::nanoTime, Duration.ofSeconds(1)));
        assertThat(sessions("idle")).isZero();

        useOnce(pool);
        scrapeClock.advance(Duration.ofMillis(999));
        assertThat(sessions("idle")).as("snapshot younger than 1 s is reused").isZero();

        scrapeClock.advance(Duration.ofMillis(1));
        assertThat(sessions("idle")).as("snapshot refreshed after 1 s").isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------ timers

    @Test
    void acquireWaitTimerCountsAMissThenAHit() {
        // Durations come from the pool's ticker: the real one here, so the miss takes measurable time.
        McpSessionPool pool = pool(config().ticker(dev.mcppool.Ticker.system()));

        useOnce(pool);
        useOnce(pool);

        Timer miss = registry.get("mcp.pool.acquire.wait").tags("hit", "false").timer();
        Timer hit = registry.get("mcp.pool.acquire.wait").tags("hit", "true").timer();
        assertThat(miss.count()).isEqualTo(1);
        assertThat(hit.count()).isEqualTo(1);
        assertThat(miss.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(miss.getId().getTags()).containsExactlyInAnyOrder(Tag.of("pool", pool.name()),
                Tag.of("server", serverTag()), Tag.of("transport", "streamable_http"), Tag.of("hit", "false"));
    }

    @Test
    void sessionCreationTimerTimesSuccesses() {
        McpSessionPool pool = pool(config().ticker(dev.mcppool.Ticker.system()));

        useOnce(pool);

        Timer created = registry.get("mcp.pool.session.creation").tags("outcome", "success").timer();
        assertThat(created.count()).isEqualTo(1);
        assertThat(created.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.find("mcp.pool.session.creation").tags("outcome", "failure").timer()).isNull();
    }

    @Test
    void sessionCreationTimerCountsFailures() {
        McpSessionPool pool = pool(config());
        server.failInitialize(500);

        assertThatThrownBy(() -> pool.acquire(target, ALICE)).isInstanceOf(SessionCreationException.class);

        assertThat(timerCount("mcp.pool.session.creation", "outcome", "failure")).isEqualTo(1);
        assertThat(registry.find("mcp.pool.acquire.wait").timer()).as("no lease, no wait").isNull();
        assertThat(registry.find("mcp.pool.breaker.transitions").counter()).as("below threshold").isNull();
    }

    // ------------------------------------------------------------------------------------------------ counters

    @Test
    void discardsCountBrokenSessions() {
        McpSessionPool pool = pool(config());

        try (SessionLease lease = pool.acquire(target, ALICE)) {
            lease.markBroken();
        }
        awaitServerSessions(0);

        awaitDiscards("broken", 1);
        assertThat(sessions("idle")).isZero();
    }

    @Test
    void discardsCountDrainedSessions() {
        McpSessionPool pool = pool(config());
        useOnce(pool);

        assertThat(pool.drain()).isEqualTo(1);
        awaitServerSessions(0);

        awaitDiscards("drain", 1);
    }

    @Test
    void discardsCountExpiredSessions() {
        McpSessionPool pool = pool(config().sessionTtl(Duration.ofMinutes(1)));
        useOnce(pool);

        clock.advance(Duration.ofMinutes(1));
        pool.maintain();
        awaitServerSessions(0);

        awaitDiscards("ttl", 1);
        assertThat(sessions("idle")).isZero();
    }

    @Test
    void healthChecksCountEachStepByMethodAndOutcome() {
        McpSessionPool pool = pool(config().healthCheckInterval(Duration.ZERO));
        useOnce(pool);
        clock.advance(Duration.ofMillis(1));
        useOnce(pool);

        assertThat(count("mcp.pool.health.checks", "method", "ping", "outcome", "passed")).isEqualTo(1);

        server.rejectWhen(request -> request.isJsonRpc("ping"), 500);
        clock.advance(Duration.ofMillis(1));
        useOnce(pool);
        awaitServerSessions(1);

        assertThat(count("mcp.pool.health.checks", "method", "ping", "outcome", "failed")).isEqualTo(1);
        awaitDiscards("health", 1);
        assertThat(timerCount("mcp.pool.acquire.wait", "hit", "false")).as("a new session replaced it").isEqualTo(2);
    }

    @Test
    void breakerTransitionsAreCountedFromAndTo() {
        McpSessionPool pool = pool(config().breakerFailureThreshold(1).breakerOpenDuration(Duration.ofSeconds(5)));
        server.failInitialize(500);

        assertThatThrownBy(() -> pool.acquire(target, ALICE)).isInstanceOf(SessionCreationException.class);
        assertThat(transitions("closed", "open")).isEqualTo(1);

        server.clearInitializeFault();
        clock.advance(Duration.ofSeconds(5));
        useOnce(pool);

        assertThat(transitions("open", "half_open")).isEqualTo(1);
        assertThat(transitions("half_open", "closed")).isEqualTo(1);
        assertThat(registry.get("mcp.pool.breaker.transitions").tags("to", "open").counter().getId().getTags())
                .containsExactlyInAnyOrder(Tag.of("pool", pool.name()), Tag.of("server", serverTag()),
                        Tag.of("from", "closed"), Tag.of("to", "open"));
    }

    @Test
    void retriesCountCallsRepeatedAfterTheServerForgotTheSession() {
        McpSessionPool pool = pool(config());
        useOnce(pool);
        server.forgetAllSessions();

        Object result = pool.call(target, ALICE, client -> client.callTool(echoRequest()));

        assertThat(result).isNotNull();
        assertThat(count("mcp.pool.retries")).isEqualTo(1);
        assertThat(registry.find("mcp.pool.discards").counter())
                .as("on Streamable HTTP the pool keeps the client, which re-initializes in place").isNull();
    }

    @Test
    void everyDiscardReasonIsALowerCaseTag() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        pool(config(), metrics);

        for (DiscardReason reason : DiscardReason.values()) {
            metrics.discarded(somekey(), reason);
        }

        assertThat(registry.get("mcp.pool.discards").counters())
                .extracting(c -> c.getId().getTag("reason"))
                .containsExactlyInAnyOrder("ttl", "idle", "health", "broken", "stale", "drain", "shutdown", "capacity");
    }

    @Test
    void acquireTimeoutsAreCounted() {
        McpSessionPool pool = pool(config().maxSessionsPerKey(1).acquireTimeout(Duration.ofMillis(200)));

        SessionLease held = pool.acquire(target, ALICE);
        try {
            assertThatThrownBy(() -> pool.acquire(target, ALICE)).isInstanceOf(PoolExhaustedException.class);
        } finally {
            held.close();
        }

        assertThat(count("mcp.pool.acquire.timeouts")).isEqualTo(1);
        assertThat(gauge("mcp.pool.pending")).isZero();
    }

    @Test
    void evictedKeysAreCounted() {
        McpSessionPool pool = pool(config().keyIdleTimeout(Duration.ofMinutes(1)));
        useOnce(pool);

        clock.advance(Duration.ofMinutes(1));
        pool.maintain();
        awaitServerSessions(0);

        assertThat(count("mcp.pool.keys.evicted")).isEqualTo(1);
        awaitDiscards("idle", 1);
        assertThat(gauge("mcp.pool.keys")).isZero();
    }

    // ------------------------------------------------------------------------------------------------ tags

    @Test
    void serverTagIsHostAndPortOnly() {
        McpSessionPool pool = pool(config());
        McpTarget tenantUrl = McpTarget.streamableHttp(server.streamableUri() + "?tenant=" + TOKEN);

        try (SessionLease lease = pool.acquire(tenantUrl, ALICE)) {
            echo(lease);
        }

        assertThat(registry.get("mcp.pool.acquire.wait").timer().getId().getTag("server")).isEqualTo(serverTag());
        // The fixture checks after each test that no tag holds a path, the token, the user or a key hash.
    }

    @Test
    void serverTagCanBeDroppedByAMeterFilterAndMetersAreStillRemovedOnClose() {
        registry.config().meterFilter(MeterFilter.ignoreTags("server"));
        McpSessionPool pool = pool(config());
        useOnce(pool);

        assertThat(poolMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTag("server")).isNull());
        pool.close();
        assertThat(poolMeters()).isEmpty();
    }

    @Test
    void extraTagsAreOnEveryMeter() {
        McpSessionPool pool = pool(config(), new McpPoolMetrics(registry, Tags.of("app", "gateway")));
        useOnce(pool);
        pool.drain();
        awaitServerSessions(0);

        assertThat(poolMeters()).hasSizeGreaterThan(5)
                .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("gateway"))
                .allSatisfy(m -> assertThat(m.getId().getTag("pool")).isEqualTo(pool.name()));
    }

    @Test
    void extraTagsMustNotReuseTheBindingsOwnKeys() {
        assertThatThrownBy(() -> new McpPoolMetrics(registry, Tags.of("server", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tags must not use the key 'server'");
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Test
    void closingThePoolRemovesEveryMeterOfItsBindingOnly() {
        McpSessionPool first = pool(config());
        McpSessionPool second = pool(config());
        useOnce(first);
        useOnce(second);
        first.drain();
        awaitServerSessions(1);
        int secondMeters = meterCount(second);
        assertThat(meterCount(first)).isGreaterThan(5);

        first.close();

        assertThat(meterCount(first)).isZero();
        assertThat(meterCount(second)).isEqualTo(secondMeters);
        second.close();
        assertThat(poolMeters()).isEmpty();
    }

    @Test
    void eventsAfterCloseRegisterNothing() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        McpSessionPool pool = pool(config(), metrics);
        useOnce(pool);
        pool.close();

        metrics.retriedAfterStaleSession(somekey());
        metrics.acquired(somekey(), true, Duration.ofMillis(1));

        assertThat(poolMeters()).isEmpty();
    }

    @Test
    void eventsBeforeBindingAreNotCounted() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        metrics.retriedAfterStaleSession(somekey());
        assertThat(poolMeters()).isEmpty();

        McpSessionPool pool = pool(config(), metrics);
        metrics.retriedAfterStaleSession(somekey());

        assertThat(count("mcp.pool.retries")).isEqualTo(1);
        assertThat(registry.get("mcp.pool.retries").counter().getId().getTag("pool")).isEqualTo(pool.name());
    }

    @Test
    void bindingTwiceIsRefused() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        McpSessionPool pool = pool(config(), metrics);

        assertThatThrownBy(() -> metrics.bindTo(pool))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already bound to pool " + pool.name());
    }

    @Test
    void bindingAClosedPoolLeavesNoMeters() {
        McpSessionPool pool = McpSessionPool.create(config().build());
        pool.close();

        new McpPoolMetrics(registry).bindTo(pool);

        assertThat(poolMeters()).isEmpty();
    }

    @Test
    void poolClosedOfAnotherPoolIsIgnored() {
        McpPoolMetrics metrics = new McpPoolMetrics(registry);
        McpSessionPool pool = pool(config(), metrics);

        metrics.poolClosed("some-other-pool");

        assertThat(meterCount(pool)).isEqualTo(6);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * A discarded session is closed with the SDK's {@code close()}, which sends its HTTP DELETE asynchronously; a
     * pool closed at once can cut that DELETE off and leave the session on the server. Wait for the server to see it.
     */
    private void awaitServerSessions(int live) {
        server.awaitLiveSessions(live, Duration.ofSeconds(10));
    }

    private static PoolKey somekey() {
        return new PoolKey("u", "http://127.0.0.1:1/mcp", "i", Transport.STREAMABLE_HTTP, "");
    }

    private double sessions(String state) {
        return gauge("mcp.pool.sessions", "state", state);
    }

    private double oldestSessionAgeSeconds() {
        TimeGauge age = registry.get("mcp.pool.oldest.session.age").timeGauge();
        return age.value(TimeUnit.SECONDS);
    }

    /** Discards are counted once the session's close has finished, on the pool's closer thread. */
    private void awaitDiscards(String reason, int expected) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> discards(reason) == expected);
    }

    private double discards(String reason) {
        return count("mcp.pool.discards", "reason", reason);
    }

    private double transitions(String from, String to) {
        return count("mcp.pool.breaker.transitions", "from", from, "to", to);
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private long timerCount(String name, String... tags) {
        return registry.get(name).tags(tags).timer().count();
    }

    private int meterCount(McpSessionPool pool) {
        List<Meter> meters = poolMeters();
        return (int) meters.stream().filter(m -> pool.name().equals(m.getId().getTag("pool"))).count();
    }
}
