package dev.mcppool.cli;

import java.util.Arrays;

/**
 * What one bench mode measured. Latencies are of successful calls; throughput counts successful calls per second
 * of wall time.
 *
 * @param mode            machine name: {@code newSessionPerCall}, {@code pool} or {@code singleSession}
 * @param label           the name shown in the table
 * @param sessionsCreated sessions opened during the mode, warm-up included for the pool and the single session
 * @param exampleError    the first error, for the note under the table; null when there was none
 */
record ModeResult(String mode, String label, int calls, int errors, double throughputPerSec, double p50Ms,
        double p90Ms, double p99Ms, double maxMs, long sessionsCreated, String exampleError) {

    static ModeResult of(String mode, String label, int calls, Workload.Measurement m, long sessionsCreated) {
        long[] sorted = m.latencies().clone();
        Arrays.sort(sorted);
        double seconds = m.elapsedNanos() / 1e9;
        double throughput = seconds > 0 ? sorted.length / seconds : 0;
        return new ModeResult(mode, label, calls, m.errors(), throughput, percentile(sorted, 0.50),
                percentile(sorted, 0.90), percentile(sorted, 0.99), sorted.length == 0 ? 0 : millis(sorted[sorted.length - 1]),
                sessionsCreated, m.firstError());
    }

    /** Nearest-rank percentile in milliseconds; 0 when nothing succeeded. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return millis(sorted[Math.max(0, Math.min(sorted.length, rank) - 1)]);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
