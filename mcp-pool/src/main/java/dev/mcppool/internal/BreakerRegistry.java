package dev.mcppool.internal;

import dev.mcppool.PoolConfig;
import dev.mcppool.PoolStats;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of the pool, one per server URL (as displayed: no user-info, no query), created on first
 * use. Bounded: a breaker that is closed and has counted no failure holds no information, so housekeeping prunes
 * those of URLs no key uses any more, and the map never holds more than {@code maxKeys} breakers that carry no state.
 */
final class BreakerRegistry {

    private static final Logger log = LoggerFactory.getLogger(BreakerRegistry.class);

    private final PoolConfig config;
    private final SafeListener listener;
    private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    BreakerRegistry(PoolConfig config, SafeListener listener) {
        this.config = config;
        this.listener = listener;
    }

    CircuitBreaker of(String url) {
        CircuitBreaker breaker = breakers.get(url);
        if (breaker != null) {
            return breaker;
        }
        if (breakers.size() >= config.maxKeys()) {
            prune(Set.of());
        }
        return breakers.computeIfAbsent(url, u -> new CircuitBreaker(config.breakerFailureThreshold(),
                config.breakerOpenDuration(), config.breakerMaxOpenDuration(), (from, to) -> {
                    log.info("Circuit breaker for {} changed from {} to {}", u, from, to);
                    listener.breakerStateChanged(u, from, to);
                }));
    }

    /** Removes breakers that are closed with no failure counted and whose URL no key in {@code inUse} has. */
    void prune(Set<String> inUse) {
        breakers.entrySet().removeIf(e -> !inUse.contains(e.getKey()) && e.getValue().isPristine());
    }

    int size() {
        return breakers.size();
    }

    Map<String, PoolStats.BreakerStats> snapshot(long now) {
        Map<String, PoolStats.BreakerStats> stats = new TreeMap<>();
        breakers.forEach((url, b) -> stats.put(url, b.snapshot(now)));
        return Map.copyOf(stats);
    }
}
