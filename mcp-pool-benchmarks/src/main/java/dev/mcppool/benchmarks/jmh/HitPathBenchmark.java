package dev.mcppool.benchmarks.jmh;

import dev.mcppool.PoolKey;
import dev.mcppool.benchmarks.FakeSessionFactory;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

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
        ExecutorService worker;
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
     * every key prewarmed with one idle object.
     */
    @State(Scope.Benchmark)
    public static class CommonsPool2 {

        GenericKeyedObjectPool<PoolKey, Object> pool;

        @Setup(Level.Trial)
        public void open(KeySet keys) throws Exception {
            GenericKeyedObjectPoolConfig<Object> config = new GenericKeyedObjectPoolConfig<>();
            config.setMaxTotalPerKey(Fixtures.SESSIONS_PER_KEY);
            config.setMaxIdlePerKey(Fixtures.SESSIONS_PER_KEY);
            config.setMaxTotal(-1);
            config.setBlockWhenExhausted(true);
            config.setJmxEnabled(false);
            pool = new GenericKeyedObjectPool<>(new PlainObjects(), config);
            for (PoolKey key : keys.poolKeys) {
                pool.returnObject(key, pool.borrowObject(key));
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
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
        PooledEntry<Object> e = pool.engine.acquire(keys.specs[picker.picker.next(keys.keys)]);
        pool.engine.release(e, null, true);
        return e;
    }

    @Benchmark
    public Object commonsPool2(CommonsPool2 pool, KeySet keys, Picker picker) throws Exception {
        PoolKey key = keys.poolKeys[picker.picker.next(keys.keys)];
        Object o = pool.pool.borrowObject(key);
        pool.pool.returnObject(key, o);
        return o;
    }
}
