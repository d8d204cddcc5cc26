package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.Door;
import dev.mcppool.TestPool;
import dev.mcppool.Transport;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15: with the default chain {@code PING, SKIP}, a ping that times out fails the session instead of falling
 * through to {@code SKIP}; the reference's fall-through stays available as {@code healthCheckTimeoutFallsThrough}.
 * Both doors, both HTTP transports; pings reach the server 800 ms late, the step timeout is 200 ms.
 */
class HealthCheckTimeoutTest extends ReliabilityFixture {

    private static final CallerIdentity ALICE = CallerIdentity.of("alice", Map.of("Authorization", "Bearer alice"));

    @ParameterizedTest
    @MethodSource("dev.mcppool.Door#withHttpTransports")
    void aPingThatTimesOutFailsTheSessionByDefault(Door door, Transport transport) {
        TestPool pool = pool(door, realTimeConfig().healthCheckInterval(Duration.ZERO)
                .healthCheckTimeout(Duration.ofMillis(200)).build());
        pool.echo(target(transport), ALICE, "x");
        long initializes = server.initializeCount();
        server.delayWhen(r -> r.isJsonRpc("ping"), Duration.ofMillis(800));

        long started = System.nanoTime();
        assertThat(pool.echo(target(transport), ALICE, "y")).isEqualTo("y");
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(pool.stats().healthCheckFailures()).isEqualTo(1);
        assertThat(server.initializeCount() - initializes).as("a new session replaced the one that failed").isEqualTo(1);
        assertThat(tookMs).as("bounded by the health-check timeout, not the request timeout").isLessThan(3_000);
        server.clearFaults();
    }

    @ParameterizedTest
    @MethodSource("dev.mcppool.Door#withHttpTransports")
    void theReferenceFallThroughIsAnOption(Door door, Transport transport) {
        TestPool pool = pool(door, realTimeConfig().healthCheckInterval(Duration.ZERO)
                .healthCheckTimeout(Duration.ofMillis(200)).healthCheckTimeoutFallsThrough(true).build());
        pool.echo(target(transport), ALICE, "x");
        long initializes = server.initializeCount();
        server.delayWhen(r -> r.isJsonRpc("ping"), Duration.ofMillis(800));

        assertThat(pool.echo(target(transport), ALICE, "y")).isEqualTo("y");

        assertThat(pool.stats().healthCheckFailures()).isZero();
        assertThat(server.initializeCount() - initializes).as("the session passed through SKIP").isZero();
        server.clearFaults();
    }

}
