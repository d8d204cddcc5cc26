package dev.mcppool.benchmarks;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.internal.KeyDeriver;
import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Engines, configurations and keys shared by the in-process benchmarks. */
public final class Fixtures {

    /** The server every benchmark key points at; no request is ever sent to it. */
    public static final McpTarget TARGET = McpTarget.streamableHttp("http://127.0.0.1:9/mcp");

    /** Sessions per key in the in-process benchmarks: at least the largest thread count (8). */
    public static final int SESSIONS_PER_KEY = 8;

    private Fixtures() {
    }

    /**
     * Defaults, except: no background housekeeping, a TTL (one day) no run outlives, and caps raised so that
     * 100,000 keys with a session each fit (the defaults allow 10,000 keys and 1,000 sessions).
     */
    public static PoolConfig config(int keys) {
        return PoolConfig.builder()
                .backgroundHousekeeping(false)
                .sessionTtl(Duration.ofDays(1))
                .maxSessionsPerKey(SESSIONS_PER_KEY)
                .maxKeys(Math.max(10_000, keys))
                .maxTotalSessions(Math.max(1_000, keys * SESSIONS_PER_KEY))
                .name("bench")
                .build();
    }

    /** The identity of caller {@code i}: a user and a bearer token, as a gateway would pass them. */
    public static CallerIdentity identity(int i) {
        return CallerIdentity.of("user-" + i, Map.of("Authorization", "Bearer token-" + i + "-abcdefghijklmnop"));
    }

    /** Specs for {@code n} distinct callers of {@link #TARGET}, derived the way the pool derives them. */
    public static SessionSpec[] specs(int n, PoolConfig config) {
        KeyDeriver deriver = new KeyDeriver(config.identityHeaders(), Optional.empty());
        SessionSpec[] specs = new SessionSpec[n];
        for (int i = 0; i < n; i++) {
            specs[i] = deriver.derive(TARGET, identity(i), null);
        }
        return specs;
    }

    /** An engine over the fake factory, whose opens and closes complete at once; deadlines run on {@code worker}. */
    public static PoolEngine<Object> engine(PoolConfig config, FakeSessionFactory factory,
            ScheduledExecutorService worker) {
        return new PoolEngine<>(config, factory, (task, delay) -> {
            var f = worker.schedule(task, Math.max(0, delay), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }, "bench");
    }

    /** A one-thread scheduler for acquire deadlines, which these benchmarks' hits never schedule. */
    public static ScheduledExecutorService worker() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Gives every key one idle session, so that the measured acquires are hits from the start. */
    public static void prewarm(PoolEngine<Object> engine, SessionSpec[] specs) {
        for (SessionSpec spec : specs) {
            PooledEntry<Object> e = Blocking.acquire(engine, spec);
            engine.release(e, null, true);
        }
    }

    /**
     * A xorshift index generator, one per benchmark thread: picks keys uniformly at random without touching shared
     * state or a ThreadLocal. With {@code -Dbench.access=sequential} it walks the keys in order instead (a diagnostic:
     * keys were created in order, so a walk is cache- and prefetcher-friendly).
     */
    public static final class KeyPicker {

        private static final boolean SEQUENTIAL = "sequential".equals(System.getProperty("bench.access"));

        private int state;
        private int cursor;

        public KeyPicker(int seed) {
            this.state = seed == 0 ? 0x9E3779B9 : seed;
            this.cursor = seed & 0x7FFFFFFF;
        }

        /** The next index in {@code [0, n)}. */
        public int next(int n) {
            if (n == 1) {
                return 0;
            }
            if (SEQUENTIAL) {
                int i = cursor % n;
                cursor = i + 1;
                return i;
            }
            int x = state;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            state = x;
            return (int) (((x & 0xFFFFFFFFL) * n) >>> 32);
        }
    }
}
