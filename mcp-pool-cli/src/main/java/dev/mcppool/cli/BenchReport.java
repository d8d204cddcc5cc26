package dev.mcppool.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's result: the setup, one {@link ModeResult} per mode and the comparisons, rendered as a table for
 * people or as JSON for scripts.
 */
record BenchReport(Setup setup, ModeResult newSessionPerCall, ModeResult pool, ModeResult singleSession) {

    /**
     * What was measured, for the heading and the JSON. The URL is the redacted display form ({@code stdio:<name>}
     * for a stdio server). {@code calls} and {@code warmup} are per mode, except for the new-session-per-call mode,
     * which has its own.
     */
    record Setup(String url, String transport, boolean embeddedServer, String tool, int calls, int concurrency,
            int users, int warmup, int newSessionCalls, int newSessionWarmup) {
    }

    List<ModeResult> modes() {
        return List.of(newSessionPerCall, pool, singleSession);
    }

    /** How many times lower the pool's median latency is than a new session per call's. */
    Double speedupP50() {
        return ratio(newSessionPerCall.p50Ms(), pool.p50Ms());
    }

    /** How many times the pool's throughput is a new session per call's. */
    Double speedupThroughput() {
        return ratio(pool.throughputPerSec(), newSessionPerCall.throughputPerSec());
    }

    /** The pool's median latency over that of one reused session: what the pool costs above the floor. */
    Double poolOverheadP50() {
        return ratio(pool.p50Ms(), singleSession.p50Ms());
    }

    void printTable(PrintWriter out) {
        String perMode = setup.newSessionCalls() == setup.calls() && setup.newSessionWarmup() == setup.warmup()
                ? String.format(Locale.ROOT, "%d calls per mode (+%d warm-up)", setup.calls(), setup.warmup())
                : String.format(Locale.ROOT, "%d calls per mode (+%d warm-up), new session per call %d (+%d)",
                        setup.calls(), setup.warmup(), setup.newSessionCalls(), setup.newSessionWarmup());
        out.printf(Locale.ROOT, "mcp-pool bench: %s, %d threads, %d users, tool '%s'%n", perMode,
                setup.concurrency(), setup.users(), setup.tool());
        out.printf(Locale.ROOT, "server: %s (%s%s)%n%n", setup.url(), setup.transport(),
                setup.embeddedServer() ? ", embedded" : "");
        String format = "%-24s %7s %7s %10s %8s %8s %8s %8s %9s%n";
        out.printf(Locale.ROOT, format, "mode", "calls", "errors", "calls/s", "p50 ms", "p90 ms", "p99 ms",
                "max ms", "sessions");
        for (ModeResult m : modes()) {
            out.printf(Locale.ROOT, format, m.label(), m.calls(), m.errors(), fixed(m.throughputPerSec(), 1),
                    fixed(m.p50Ms(), 2), fixed(m.p90Ms(), 2), fixed(m.p99Ms(), 2), fixed(m.maxMs(), 2),
                    m.sessionsCreated());
        }
        out.println();
        for (ModeResult m : modes()) {
            if (m.errors() > 0) {
                out.printf(Locale.ROOT, "%s: %d errors; the first: %s%n", m.label(), m.errors(), m.exampleError());
            }
        }
        out.printf(Locale.ROOT, "pool vs new session per call: %s lower p50, %s the throughput;"
                + " pool overhead over one reused session: %s p50%n", times(speedupP50()),
                times(speedupThroughput()), times(poolOverheadP50()));
    }

    void printJson(PrintWriter out) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("setup", setup);
        Map<String, Object> modes = new LinkedHashMap<>();
        for (ModeResult m : modes()) {
            modes.put(m.mode(), modeJson(m));
        }
        json.put("modes", modes);
        Map<String, Object> speedup = new LinkedHashMap<>();
        speedup.put("poolVsNewSessionP50", round(speedupP50()));
        speedup.put("poolVsNewSessionThroughput", round(speedupThroughput()));
        speedup.put("poolOverheadOverSingleSessionP50", round(poolOverheadP50()));
        json.put("speedup", speedup);
        out.println(Json.pretty(json));
    }

    private static Map<String, Object> modeJson(ModeResult m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("label", m.label());
        json.put("calls", m.calls());
        json.put("errors", m.errors());
        json.put("throughputPerSec", round(m.throughputPerSec()));
        json.put("p50Ms", round(m.p50Ms()));
        json.put("p90Ms", round(m.p90Ms()));
        json.put("p99Ms", round(m.p99Ms()));
        json.put("maxMs", round(m.maxMs()));
        json.put("sessionsCreated", m.sessionsCreated());
        if (m.exampleError() != null) {
            json.put("exampleError", m.exampleError());
        }
        return json;
    }

    /** a / b, or null when either side measured nothing. */
    private static Double ratio(double a, double b) {
        return a > 0 && b > 0 ? a / b : null;
    }

    private static Double round(Double value) {
        return value == null ? null : Math.round(value * 1000) / 1000.0;
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String times(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.1fx", ratio);
    }
}
