package dev.mcppool.benchmarks.harness;

import java.util.Arrays;

/** Latency samples in nanoseconds, recorded by one thread; merge several into one for the percentiles. */
final class Latencies {

    private long[] samples = new long[1024];
    private int size;

    void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    int count() {
        return size;
    }

    synchronized void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            record(other.samples[i]);
        }
    }

    /** Percentiles and mean of everything recorded, in the order {@link Summary} holds them. */
    Summary summary() {
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        double sum = 0;
        for (long s : sorted) {
            sum += s;
        }
        return new Summary(size, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), at(sorted, 0.999),
                size == 0 ? 0 : sorted[size - 1], size == 0 ? 0 : sum / size);
    }

    private static long at(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Nanosecond percentiles; {@link #ms} prints them in milliseconds. */
    record Summary(int count, long p50, long p90, long p99, long p999, long max, double mean) {

        static String ms(double nanos) {
            return String.format("%.3f", nanos / 1e6);
        }
    }
}
