package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.Transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The listener never throws, even when the registry refuses a meter. */
class RegistryFailureTest {

    private static final PoolKey KEY =
            new PoolKey("u", "http://127.0.0.1:1/mcp", "i", Transport.STREAMABLE_HTTP, "");

    @Test
    void aMeterTheRegistryRefusesIsDroppedWithoutThrowing() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
                .throwExceptionOnRegistrationFailure();
        // Prometheus needs one set of tag keys per name: this meter makes ours impossible to register.
        Counter.builder("mcp.pool.retries").tag("other", "x").register(registry);
        McpPoolMetrics metrics = new McpPoolMetrics(registry);

        try (McpSessionPool pool = McpSessionPool.create(
                PoolConfig.builder().backgroundHousekeeping(false).listener(metrics).build())) {
            metrics.bindTo(pool);

            assertThatCode(() -> {
                metrics.retriedAfterStaleSession(KEY);
                metrics.retriedAfterStaleSession(KEY);
            }).doesNotThrowAnyException();
            metrics.acquired(KEY, true, Duration.ofMillis(3));

            assertThat(registry.get("mcp.pool.retries").counters()).hasSize(1);
            assertThat(registry.get("mcp.pool.acquire.wait").timer().count()).as("other meters still work")
                    .isEqualTo(1);
        }
        assertThat(registry.find("mcp.pool.acquire.wait").meters()).isEmpty();
    }

    @Test
    void aRefusedMeterIsAttemptedOnlyOnce() {
        AtomicInteger attempts = new AtomicInteger();
        SimpleMeterRegistry registry = new SimpleMeterRegistry() {
            @Override
            protected Counter newCounter(Meter.Id id) {
                attempts.incrementAndGet();
                throw new IllegalStateException("refused");
            }
        };
        McpPoolMetrics metrics = new McpPoolMetrics(registry);

        try (McpSessionPool pool = McpSessionPool.create(
                PoolConfig.builder().backgroundHousekeeping(false).listener(metrics).build())) {
            metrics.bindTo(pool);
            for (int i = 0; i < 3; i++) {
                metrics.keyEvicted(KEY);
            }
        }

        assertThat(attempts).hasValue(1);
    }
}
