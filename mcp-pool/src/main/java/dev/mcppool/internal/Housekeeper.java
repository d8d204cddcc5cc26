package dev.mcppool.internal;

import dev.mcppool.DiscardReason;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One housekeeping pass, {@link #maintain(long)}, a pure step at a given time: retires idle sessions past their TTL
 * or idle timeout, removes keys unused for {@code keyIdleTimeout}, starts keepalive pings on idle sessions due for
 * one, tops keys up to {@code minIdlePerKey} and prunes breakers nobody needs. Pings and warm-up opens are started,
 * not waited for: a pass never blocks on the network, so due keepalives never starve each other.
 */
final class Housekeeper<S> {

    private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

    private final PoolEngine<S> engine;
    private final PoolConfig config;

    Housekeeper(PoolEngine<S> engine, PoolConfig config) {
        this.engine = engine;
        this.config = config;
    }

    /** Returns the delay in nanoseconds until the next pass is due, or -1 once the pool is closed. */
    long maintain(long now) {
        if (engine.isClosed()) {
            return -1;
        }
        long idleTimeout = config.sessionIdleTimeout().toNanos();
        long keepaliveInterval = config.keepaliveInterval().toNanos();
        long keyIdleTimeout = config.keyIdleTimeout().toNanos();
        Outcomes<S> out = new Outcomes<>();
        List<PooledEntry<S>> keepalive = new ArrayList<>();
        List<PoolKey> evicted = new ArrayList<>();
        List<Partition<S>> warm = new ArrayList<>();
        Set<String> urls = new HashSet<>();
        for (Partition<S> p : engine.partitions()) {
            int before = out.discardCount();
            p.sweep(now, idleTimeout, keepaliveInterval, out, keepalive);
            if (p.removeIfUnused(now, Math.max(1, keyIdleTimeout), DiscardReason.IDLE, out)) {
                engine.removed(p);
                evicted.add(p.key);
            } else {
                urls.add(p.spec.displayUrl());
                for (int n = config.minIdlePerKey() > 0 ? p.reserveUpTo(config.minIdlePerKey(), now) : 0; n > 0; n--) {
                    warm.add(p);
                }
            }
            engine.counters().sessionsReaped.add(out.discardCount() - before);
        }
        engine.finish(out);
        for (PoolKey key : evicted) {
            engine.counters().keysEvicted.increment();
            engine.listener().keyEvicted(key);
            log.debug("Evicted idle key {}", key);
        }
        for (PooledEntry<S> e : keepalive) {
            engine.health().keepalive(e).whenComplete((alive, error) ->
                    engine.release(e, Boolean.TRUE.equals(alive) ? null : DiscardReason.HEALTH, false));
        }
        for (Partition<S> p : warm) {
            engine.creations().open(p, SessionState.IDLE).whenComplete((e, error) -> {
                if (error != null) {
                    log.debug("Warming up {} failed: {}", p.key, Failures.describe(error));
                }
            });
        }
        engine.breakers().prune(urls);
        return config.housekeepingInterval().toNanos();
    }
}
