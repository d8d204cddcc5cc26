package dev.mcppool.spring;

import dev.mcppool.BreakerState;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The pool's health for Spring Boot Actuator ({@code /actuator/health/mcpPool}):
 * <ul>
 * <li>{@code DOWN} while the circuit breaker of a server is open (its sessions failed to open
 *     {@code breaker-failure-threshold} times in a row, so calls to it fail at once). Once its open time has run
 *     out the breaker lets the next call through as a probe: from then on it is listed with {@code retryAfter}
 *     {@code PT0S} but no longer makes the pool {@code DOWN}, so a server nobody calls any more cannot keep the
 *     application down;</li>
 * <li>{@code OUT_OF_SERVICE} once the pool is closed;</li>
 * <li>{@code UP} otherwise.</li>
 * </ul>
 * Details: the pool's counts, every breaker that is not closed (by server URL, with the configured server names),
 * and the saturated keys: keys with every session leased ({@code leased == max}) and callers waiting. Keys show
 * hashes and the server URL only, never a user name, a header or a token; URLs never carry user-info or a query.
 *
 * <p>Thread-safe; each check takes one {@link McpSessionPool#stats()} snapshot.
 */
public final class McpPoolHealthIndicator implements HealthIndicator {

    /** At most this many saturated keys are listed; {@code saturatedKeyCount} gives them all. */
    static final int MAX_KEYS_LISTED = 20;

    private final McpSessionPool pool;
    private final McpServers servers;

    public McpPoolHealthIndicator(McpSessionPool pool, McpServers servers) {
        this.pool = pool;
        this.servers = servers;
    }

    @Override
    public Health health() {
        if (pool.isClosed()) {
            return Health.outOfService().withDetail("pool", pool.name()).withDetail("closed", true).build();
        }
        PoolStats stats = pool.stats();
        Map<String, Object> breakers = breakers(stats);
        List<Map<String, Object>> saturated = saturatedKeys(stats);
        boolean open = stats.breakers().values().stream()
                .anyMatch(b -> b.state() == BreakerState.OPEN && !b.retryAfter().isZero());
        Health.Builder health = open ? Health.down() : Health.up();
        return health.withDetail("pool", pool.name())
                .withDetail("keys", stats.keyCount())
                .withDetail("leased", stats.leased())
                .withDetail("idle", stats.idle())
                .withDetail("creating", stats.creating())
                .withDetail("pending", stats.pendingAcquires())
                .withDetail("breakers", breakers)
                .withDetail("saturatedKeyCount", saturated.size())
                .withDetail("saturatedKeys", saturated.subList(0, Math.min(saturated.size(), MAX_KEYS_LISTED)))
                .build();
    }

    private Map<String, Object> breakers(PoolStats stats) {
        Map<String, Object> breakers = new LinkedHashMap<>();
        stats.breakers().forEach((url, breaker) -> {
            if (breaker.state() != BreakerState.CLOSED) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("state", breaker.state().name());
                detail.put("servers", servers.namesOf(url));
                detail.put("consecutiveFailures", breaker.consecutiveFailures());
                detail.put("retryAfter", breaker.retryAfter().toString());
                breakers.put(url, detail);
            }
        });
        return breakers;
    }

    private List<Map<String, Object>> saturatedKeys(PoolStats stats) {
        List<Map<String, Object>> saturated = new ArrayList<>();
        for (PoolStats.KeyStats key : stats.keys()) {
            if (key.leased() >= key.max() && key.waiting() > 0) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("key", key.key().toString());
                detail.put("servers", servers.namesOf(key.key().url()));
                detail.put("leased", key.leased());
                detail.put("max", key.max());
                detail.put("waiting", key.waiting());
                saturated.add(detail);
            }
        }
        return saturated;
    }
}
