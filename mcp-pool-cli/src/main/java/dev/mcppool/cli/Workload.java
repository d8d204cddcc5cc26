package dev.mcppool.cli;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a number of calls on a number of threads, all started on one latch, and records each call's latency. Call
 * {@code i} is made for user {@code i % users}, so every mode sees the same sequence of callers.
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

    private final int threads;
    private final ProgressBar progress;

    Workload(int threads, ProgressBar progress) {
        this.threads = threads;
        this.progress = progress;
    }

    /** Runs {@code calls} calls and waits for all of them. */
    Measurement run(int calls, Call call) throws InterruptedException {
        long[] latencies = new long[calls];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, calls); t++) {
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                    latencies[i] = timed(call, i, errors, firstError);
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
            worker.join();
        }
        long elapsed = System.nanoTime() - began;
        long[] successful = java.util.Arrays.stream(latencies).filter(l -> l >= 0).toArray();
        return new Measurement(successful, errors.get(), elapsed, firstError.get());
    }

    /** The call's latency in nanoseconds, or -1 if it failed or the tool reported an error. */
    private static long timed(Call call, int index, AtomicInteger errors, AtomicReference<String> firstError) {
        long t0 = System.nanoTime();
        String error;
        try {
            CallToolResult result = call.run(index);
            if (!Tools.isError(result)) {
                return System.nanoTime() - t0;
            }
            error = "the tool reported an error: " + Tools.firstText(result);
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName() + ": " + Diagnosis.redact(String.valueOf(e.getMessage()));
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
