package dev.mcppool.benchmarks.jmh;

import dev.mcppool.PoolKey;
import dev.mcppool.benchmarks.FakeSessionFactory;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hit path: lease an idle session and give it back, on a key picked at random per operation from 1, 100 or
 * 100,000 keys that each hold an idle session. The same workload runs through the pool's engine and through Apache
 * Commons Pool2's {@link GenericKeyedObjectPool}; sessions are plain objects in both, so only the pools are
 * measured. Run it at 1, 2 and 8 threads with {@code -t}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HitPathBenchmark {

    /** The pool's engine, every key prewarmed with one idle session. */
    @State(Scope.Benchmark)
    public static class McpPool {

        FakeSessionFactory factory;
        ScheduledExecutorService worker;
        PoolEngine<Object> engine;

        @Setup(Level.Trial)
        public void open(KeySet keys) {
            factory = new FakeSessionFactory();
            worker = Fixtures.worker();
            engine = Fixtures.engine(keys.config, factory, worker);
            Fixtures.prewarm(engine, keys.specs);
        }

        @TearDown(Level.Trial)
        public void close() {
            engine.close();
            worker.shutdownNow();
        }
    }

    /**
     * Commons Pool2 set up for the same job: up to {@link Fixtures#SESSIONS_PER_KEY} objects per key (at least the
     * thread count, so nobody waits), no global cap, blocking when exhausted, no JMX, no evictor (its default), and
     * every key prewarmed with one idle object. {@code reuseCapacityOnReturn} is off: with no global cap there is no
     * capacity to hand to other keys, and left on (its default) every return scans all keys for waiters, which
     * makes 100,000 keys unusable (see {@link CommonsPool2Defaults}).
     */
    @State(Scope.Benchmark)
    public static class CommonsPool2 {

        GenericKeyedObjectPool<PoolKey, Object> pool;

        @Setup(Level.Trial)
        public void open(KeySet keys) throws Exception {
            pool = commonsPool2(keys, false);
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    /** As {@link CommonsPool2}, but with {@code reuseCapacityOnReturn} left at its default (on). */
    @State(Scope.Benchmark)
    public static class CommonsPool2Defaults {

        GenericKeyedObjectPool<PoolKey, Object> pool;

        @Setup(Level.Trial)
        public void open(KeySet keys) throws Exception {
            pool = commonsPool2(keys, true);
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    static GenericKeyedObjectPool<PoolKey, Object> commonsPool2(KeySet keys, boolean reuseCapacityOnReturn)
            throws Exception {
        GenericKeyedObjectPoolConfig<Object> config = new GenericKeyedObjectPoolConfig<>();
        config.setMaxTotalPerKey(Fixtures.SESSIONS_PER_KEY);
        config.setMaxIdlePerKey(Fixtures.SESSIONS_PER_KEY);
        config.setMaxTotal(-1);
        config.setBlockWhenExhausted(true);
        config.setJmxEnabled(false);
        config.setReuseCapacityOnReturn(reuseCapacityOnReturn);
        GenericKeyedObjectPool<PoolKey, Object> pool = new GenericKeyedObjectPool<>(new PlainObjects(), config);
        for (PoolKey key : keys.poolKeys) {
            pool.returnObject(key, pool.borrowObject(key));
        }
        return pool;
    }

    /**
     * The floor of any keyed pool with a lock per key: a {@link ConcurrentHashMap} lookup, then take the idle object
     * from the key's deque and put it back, each under the key's lock. No limits, no timing, no events.
     */
    @State(Scope.Benchmark)
    public static class MinimalKeyedPool {

        final ConcurrentHashMap<PoolKey, Slot> slots = new ConcurrentHashMap<>();

        @Setup(Level.Trial)
        public void open(KeySet keys) {
            for (PoolKey key : keys.poolKeys) {
                Slot slot = new Slot();
                slot.idle.push(new Object());
                slots.put(key, slot);
            }
        }

        static final class Slot {
            final ReentrantLock lock = new ReentrantLock();
            final ArrayDeque<Object> idle = new ArrayDeque<>();
        }

        Object take(Slot slot) {
            slot.lock.lock();
            try {
                Object o = slot.idle.pollFirst();
                return o != null ? o : new Object();
            } finally {
                slot.lock.unlock();
            }
        }

        void give(Slot slot, Object o) {
            slot.lock.lock();
            try {
                slot.idle.addFirst(o);
            } finally {
                slot.lock.unlock();
            }
        }
    }

    static final class PlainObjects extends BaseKeyedPooledObjectFactory<PoolKey, Object> {

        @Override
        public Object create(PoolKey key) {
            return new Object();
        }

        @Override
        public PooledObject<Object> wrap(Object value) {
            return new DefaultPooledObject<>(value);
        }
    }

    @Benchmark
    public Object mcpPool(McpPool pool, KeySet keys, Picker picker) {
        PooledEntry<Object> e = Blocking.acquire(pool.engine, keys.specs[picker.picker.next(keys.keys)]);
        pool.engine.release(e, null, true);
        return e;
    }

    @Benchmark
    public Object commonsPool2(CommonsPool2 pool, KeySet keys, Picker picker) throws Exception {
        PoolKey key = keys.specs[picker.picker.next(keys.keys)].key();
        Object o = pool.pool.borrowObject(key);
        pool.pool.returnObject(key, o);
        return o;
    }

    @Benchmark
    public Object minimalKeyedPool(MinimalKeyedPool pool, KeySet keys, Picker picker) {
        MinimalKeyedPool.Slot slot = pool.slots.get(keys.specs[picker.picker.next(keys.keys)].key());
        Object o = pool.take(slot);
        pool.give(slot, o);
        return o;
    }

    /** Not part of the main run: only feasible with few keys (run with {@code -p keys=1,100}). */
    @Benchmark
    public Object commonsPool2DefaultReturn(CommonsPool2Defaults pool, KeySet keys, Picker picker) throws Exception {
        PoolKey key = keys.specs[picker.picker.next(keys.keys)].key();
        Object o = pool.pool.borrowObject(key);
        pool.pool.returnObject(key, o);
        return o;
    }
}
