package dev.mcppool.benchmarks.jmh;

import dev.mcppool.benchmarks.FakeSessionFactory;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Acquire latency (sampled) while the housekeeper sweeps every key. Each group runs one acquiring thread next to one
 * other thread:
 * <ul>
 * <li>{@code sweeping}: the other thread runs {@code engine.maintain(now)} back to back, each pass visiting all keys;</li>
 * <li>{@code busyNeighbour}: the other thread burns CPU without touching the pool, the baseline for two busy threads
 * on this two-core machine;</li>
 * <li>{@code alone}: the acquiring thread by itself.</li>
 * </ul>
 * Nothing expires during a run (TTL one day, idle timeouts 10 minutes), so a pass inspects and keeps everything: the
 * cost measured is the sweep itself and the locks it takes.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HousekeepingBenchmark {

    @Param({"100000"})
    public int keys;

    private dev.mcppool.internal.SessionSpec[] specs;
    private ScheduledExecutorService worker;
    private PoolEngine<Object> engine;

    @Setup(Level.Trial)
    public void open() {
        var config = Fixtures.config(keys);
        specs = Fixtures.specs(keys, config);
        worker = Fixtures.worker();
        engine = Fixtures.engine(config, new FakeSessionFactory(), worker);
        Fixtures.prewarm(engine, specs);
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
        worker.shutdownNow();
    }

    private Object acquireRelease(Picker picker) {
        PooledEntry<Object> e = Blocking.acquire(engine, specs[picker.picker.next(keys)]);
        engine.release(e, null, true);
        return e;
    }

    @Benchmark
    @Group("sweeping")
    @GroupThreads(1)
    public Object sweepingAcquire(Picker picker) {
        return acquireRelease(picker);
    }

    @Benchmark
    @Group("sweeping")
    @GroupThreads(1)
    public long sweepingMaintain() {
        return engine.maintain(System.nanoTime());
    }

    @Benchmark
    @Group("busyNeighbour")
    @GroupThreads(1)
    public Object busyNeighbourAcquire(Picker picker) {
        return acquireRelease(picker);
    }

    @Benchmark
    @Group("busyNeighbour")
    @GroupThreads(1)
    public void busyNeighbourBurn() {
        Blackhole.consumeCPU(10_000);
    }

    @Benchmark
    @Group("alone")
    @GroupThreads(1)
    public Object aloneAcquire(Picker picker) {
        return acquireRelease(picker);
    }
}
