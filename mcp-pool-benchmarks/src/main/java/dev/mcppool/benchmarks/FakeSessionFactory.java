package dev.mcppool.benchmarks;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.internal.SessionContext;
import dev.mcppool.internal.SessionFactory;
import dev.mcppool.internal.SessionSpec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sessions that are plain objects: opening, checking and closing cost nothing, so a benchmark over this factory
 * measures the pool's own bookkeeping only. Thread-safe.
 */
public final class FakeSessionFactory implements SessionFactory<Object> {

    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();

    private static final CompletableFuture<HealthCheckOutcome> PASSED =
            CompletableFuture.completedFuture(HealthCheckOutcome.PASSED);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    @Override
    public CompletableFuture<Object> open(SessionSpec spec, SessionContext context) {
        opened.increment();
        return CompletableFuture.completedFuture(new Object());
    }

    @Override
    public CompletableFuture<HealthCheckOutcome> check(Object session, SessionContext context,
            HealthCheckMethod method, Duration timeout) {
        return PASSED;
    }

    @Override
    public CompletableFuture<Void> close(Object session) {
        closed.increment();
        return DONE;
    }

    @Override
    public void closeNow(Object session) {
        closed.increment();
    }

    @Override
    public void shutdown() {
    }

    /** Sessions opened so far. */
    public long opened() {
        return opened.sum();
    }

    /** Sessions closed so far. */
    public long closed() {
        return closed.sum();
    }
}
