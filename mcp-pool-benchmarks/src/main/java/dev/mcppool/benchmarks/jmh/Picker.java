package dev.mcppool.benchmarks.jmh;

import dev.mcppool.benchmarks.Fixtures;

import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Each benchmark thread's own random key index. */
@State(Scope.Thread)
public class Picker {

    private static final AtomicInteger SEEDS = new AtomicInteger(12345);

    public final Fixtures.KeyPicker picker = new Fixtures.KeyPicker(SEEDS.getAndAdd(0x61C88647));
}
