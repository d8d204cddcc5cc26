package dev.mcppool.benchmarks.harness;

import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.benchmarks.FakeSessionFactory;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;

/**
 * The single-threaded hit path of {@code HitPathBenchmark}, timed in CPU time of the measuring thread
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()}) instead of wall time. On a machine shared with other work, wall
 * time counts the moments the thread waited for a CPU; CPU time does not, so ratios between variants stay stable
 * when the JMH error bars do not. Same keys, same configurations, same random key choice as the JMH benchmark.
 *
 * <p>Usage: {@code HitPathCpuTime [--keys 1,100000] [--ops 2000000] [--rounds 7]}; prints the median CPU ns per
 * operation over the rounds, after two warm-up rounds.
 */
public final class HitPathCpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static int sink;

    interface Op {
        void run(int index) throws Exception;
    }

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Args args = new Args(argv);
        String[] keyCounts = args.string("keys", "1,100000").split(",");
        int ops = args.integer("ops", 2_000_000);
        int rounds = args.integer("rounds", 7);
        args.done("HitPathCpuTime");
        System.out.println("| keys | mcp-pool CPU ns/op | Commons Pool2 CPU ns/op | minimal keyed pool CPU ns/op |"
                + " Pool2 / mcp-pool |");
        System.out.println("|---|---|---|---|---|");
        for (String k : keyCounts) {
            int keys = Integer.parseInt(k.trim());
            PoolConfig config = Fixtures.config(keys);
            SessionSpec[] specs = Fixtures.specs(keys, config);
            double mcp = mcpPool(config, specs, ops, rounds);
            double pool2 = commonsPool2(specs, ops, rounds);
            double floor = minimal(specs, ops, rounds);
            System.out.printf("| %d | %.1f | %.1f | %.1f | %.2fx |%n", keys, mcp, pool2, floor, pool2 / mcp);
        }
    }

    private static double mcpPool(PoolConfig config, SessionSpec[] specs, int ops, int rounds) throws Exception {
        ScheduledExecutorService worker = Fixtures.worker();
        PoolEngine<Object> engine = Fixtures.engine(config, new FakeSessionFactory(), worker);
        Fixtures.prewarm(engine, specs);
        try {
            return measure(specs.length, ops, rounds, i -> {
                PooledEntry<Object> e = Blocking.acquire(engine, specs[i]);
                engine.release(e, null, true);
                sink += System.identityHashCode(e);
            });
        } finally {
            engine.close();
            worker.shutdownNow();
        }
    }

    private static double commonsPool2(SessionSpec[] specs, int ops, int rounds) throws Exception {
        GenericKeyedObjectPoolConfig<Object> config = new GenericKeyedObjectPoolConfig<>();
        config.setMaxTotalPerKey(Fixtures.SESSIONS_PER_KEY);
        config.setMaxIdlePerKey(Fixtures.SESSIONS_PER_KEY);
        config.setMaxTotal(-1);
        config.setBlockWhenExhausted(true);
        config.setJmxEnabled(false);
        config.setReuseCapacityOnReturn(false);
        try (GenericKeyedObjectPool<PoolKey, Object> pool = new GenericKeyedObjectPool<>(
                new BaseKeyedPooledObjectFactory<PoolKey, Object>() {
                    @Override
                    public Object create(PoolKey key) {
                        return new Object();
                    }

                    @Override
                    public PooledObject<Object> wrap(Object value) {
                        return new DefaultPooledObject<>(value);
                    }
                }, config)) {
            for (SessionSpec spec : specs) {
                pool.returnObject(spec.key(), pool.borrowObject(spec.key()));
            }
            return measure(specs.length, ops, rounds, i -> {
                PoolKey key = specs[i].key();
                Object o = pool.borrowObject(key);
                pool.returnObject(key, o);
                sink += System.identityHashCode(o);
            });
        }
    }

    private static double minimal(SessionSpec[] specs, int ops, int rounds) throws Exception {
        java.util.concurrent.ConcurrentHashMap<PoolKey, Object[]> slots = new java.util.concurrent.ConcurrentHashMap<>();
        for (SessionSpec spec : specs) {
            java.util.ArrayDeque<Object> idle = new java.util.ArrayDeque<>();
            idle.push(new Object());
            slots.put(spec.key(), new Object[] {new java.util.concurrent.locks.ReentrantLock(), idle});
        }
        return measure(specs.length, ops, rounds, i -> {
            Object[] slot = slots.get(specs[i].key());
            java.util.concurrent.locks.ReentrantLock lock = (java.util.concurrent.locks.ReentrantLock) slot[0];
            @SuppressWarnings("unchecked")
            java.util.ArrayDeque<Object> idle = (java.util.ArrayDeque<Object>) slot[1];
            lock.lock();
            Object o;
            try {
                o = idle.pollFirst();
            } finally {
                lock.unlock();
            }
            lock.lock();
            try {
                idle.addFirst(o);
            } finally {
                lock.unlock();
            }
            sink += System.identityHashCode(o);
        });
    }

    /** Median CPU ns per op over {@code rounds} rounds of {@code ops} ops, after two unmeasured rounds. */
    private static double measure(int keys, int ops, int rounds, Op op) throws Exception {
        Fixtures.KeyPicker picker = new Fixtures.KeyPicker(12345);
        double[] perOp = new double[rounds];
        for (int r = -2; r < rounds; r++) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            for (int n = 0; n < ops; n++) {
                op.run(picker.next(keys));
            }
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            if (r >= 0) {
                perOp[r] = (double) cpu / ops;
            }
        }
        Arrays.sort(perOp);
        return perOp[rounds / 2];
    }
}
