package dev.mcppool.benchmarks.jmh;

import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.SessionSpec;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The keys of a run, derived once per trial: both pools are driven with the same keys. */
@State(Scope.Benchmark)
public class KeySet {

    @Param({"1", "100", "100000"})
    public int keys;

    public PoolConfig config;
    public SessionSpec[] specs;
    public PoolKey[] poolKeys;

    @Setup(Level.Trial)
    public void derive() {
        config = Fixtures.config(keys);
        specs = Fixtures.specs(keys, config);
        poolKeys = new PoolKey[keys];
        for (int i = 0; i < keys; i++) {
            poolKeys[i] = specs[i].key();
        }
    }
}
