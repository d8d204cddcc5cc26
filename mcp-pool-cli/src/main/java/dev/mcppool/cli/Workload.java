package dev.mcppool.cli;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Runs a number of calls on a number of threads, all started on one latch, and records each call's latency. Call
 * {@code i} is made for user {@code i % users}, so every mode sees the same sequence of callers.
 *
 * <p>A call still running after {@code stuckAfter} ends the run: the SDK's request timeout should have ended it
 * long before, and a bench that waits forever is worse than one that reports it. The calls not made are counted
 * as errors, and the stuck threads (daemons) are left to end when their session is closed.
 */
final class Workload {

    /** One call of the workload. */
    @FunctionalInterface
    interface Call {
        CallToolResult run(int index);
    }

    /** What a run measured: latencies of successful calls in nanoseconds (unsorted), errors, wall time. */
    record Measurement(long[] latencies, int errors, long elapsedNanos, String firstError) {
    }

    private static final long WATCH_MILLIS = 100;
    private static final long NOT_RUNNING = Long.MIN_VALUE;

    private final int threads;
    private final ProgressBar progress;
    private final UnaryOperator<String> redact;
    private final Duration stuckAfter;

    /**
     * @param redact     applied to every error message kept, to remove what must not be printed
     * @param stuckAfter how long one call may run before the run is given up
     */
    Workload(int threads, ProgressBar progress, UnaryOperator<String> redact, Duration stuckAfter) {
        this.threads = threads;
        this.progress = progress;
        this.redact = redact;
        this.stuckAfter = stuckAfter;
    }

    /** Runs {@code calls} calls and waits for all of them, or until one is stuck. */
    Measurement run(int calls, Call call) throws InterruptedException {
        long[] latencies = new long[calls];
        Arrays.fill(latencies, -1);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        int workerCount = Math.min(threads, calls);
        // When each worker's current call began (System.nanoTime()), or NOT_RUNNING between calls.
        AtomicLongArray callStarted = new AtomicLongArray(workerCount);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < workerCount; t++) {
            int slot = t;
            callStarted.set(slot, NOT_RUNNING);
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int i = next.getAndIncrement(); i < calls && !abandoned.get(); i = next.getAndIncrement()) {
                    callStarted.set(slot, System.nanoTime());
                    long latency = timed(call, i, errors, firstError, redact);
                    callStarted.set(slot, NOT_RUNNING);
                    if (abandoned.get()) {
                        return;
                    }
                    latencies[i] = latency;
                    finished.incrementAndGet();
                    progress.step();
                }
            }, "mcp-pool-bench-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        long began = System.nanoTime();
        start.countDown();
        for (Thread worker : workers) {
            while (worker.isAlive() && !abandoned.get()) {
                worker.join(WATCH_MILLIS);
                if (isStuck(callStarted)) {
                    abandoned.set(true);
                }
            }
        }
        long elapsed = System.nanoTime() - began;
        long[] successful = Arrays.stream(latencies.clone()).filter(l -> l >= 0).toArray();
        int errorCount = errors.get();
        String first = firstError.get();
        if (abandoned.get()) {
            int notFinished = calls - finished.get();
            errorCount = calls - successful.length;
            String stuck = notFinished + " calls abandoned: one had no answer after " + Diagnosis.seconds(stuckAfter)
                    + ", although the SDK's request timeout should have ended it";
            first = first == null ? stuck : stuck + "; before that: " + first;
        }
        return new Measurement(successful, errorCount, elapsed, first);
    }

    private boolean isStuck(AtomicLongArray callStarted) {
        long now = System.nanoTime();
        for (int t = 0; t < callStarted.length(); t++) {
            long began = callStarted.get(t);
            if (began != NOT_RUNNING && now - began > stuckAfter.toNanos()) {
                return true;
            }
        }
        return false;
    }

    /** The call's latency in nanoseconds, or -1 if it failed or the tool reported an error. */
    private static long timed(Call call, int index, AtomicInteger errors, AtomicReference<String> firstError,
            UnaryOperator<String> redact) {
        long t0 = System.nanoTime();
        String error;
        try {
            CallToolResult result = call.run(index);
            if (!Tools.isError(result)) {
                return System.nanoTime() - t0;
            }
            error = "the tool reported an error: " + Tools.firstText(result);
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName() + ": " + redact.apply(String.valueOf(e.getMessage()));
        }
        errors.incrementAndGet();
        firstError.compareAndSet(null, error);
        return -1;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
