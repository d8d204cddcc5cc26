package dev.mcppool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

/**
 * Threads that call in a loop, bounded in count and time, until stopped, counting successes and tallying failures.
 * The phase counters let a test tell what callers saw before, during and after a fault.
 */
final class CallerLoop implements AutoCloseable {

    /** One call; thread {@code index} of the loop makes it. */
    @FunctionalInterface
    interface Call {
        void run(int index) throws Exception;
    }

    private static final long PAUSE_AFTER_FAILURE_MS = 5;

    private final ExecutorService threads;
    private final List<Future<?>> futures = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger successes = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final Tally failures = new Tally();

    CallerLoop(int count, int maxCallsPerThread, Call call) {
        threads = Executors.newFixedThreadPool(count);
        for (int t = 0; t < count; t++) {
            int index = t;
            futures.add(threads.submit(() -> {
                for (int i = 0; i < maxCallsPerThread && !stop.get(); i++) {
                    calls.incrementAndGet();
                    try {
                        call.run(index);
                        successes.incrementAndGet();
                    } catch (Exception | AssertionError e) {
                        failures.add(e);
                        // A real caller backs off a little; without it a fast-failing loop only burns the CPU.
                        Thread.sleep(PAUSE_AFTER_FAILURE_MS);
                    }
                }
                return null;
            }));
        }
    }

    /** Waits until {@code n} more calls succeeded than now. */
    void awaitMoreSuccesses(int n, Duration timeout) {
        int target = successes.get() + n;
        Awaitility.await().atMost(timeout).until(() -> successes.get() >= target);
    }

    /** Waits until {@code n} more calls failed than now. */
    void awaitMoreFailures(int n, Duration timeout) {
        int target = failures.total() + n;
        Awaitility.await().atMost(timeout).until(() -> failures.total() >= target);
    }

    /** Waits until every thread made its calls (or was stopped). */
    void awaitDone() throws Exception {
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    /** Stops the loop and waits for every thread to finish its current call. */
    @Override
    public void close() throws Exception {
        stop.set(true);
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
