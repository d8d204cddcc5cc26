package dev.mcppool.benchmarks.harness;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolListener;
import dev.mcppool.PoolStats;
import dev.mcppool.Route;
import dev.mcppool.Transport;
import dev.mcppool.benchmarks.Fixtures;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many concurrent callers, each calling {@code echo} back to back (a closed loop, no think time) for a fixed time, on
 * a real MCP server in a child process: through the pool ({@code --mode pool}) or with a new SDK session per call
 * ({@code --mode direct}). Callers are virtual threads when the JDK has them (created by reflection, since this
 * code compiles for Java 17), else platform threads. The window opens after {@code --warmup} seconds and lasts
 * {@code --duration} seconds: throughput counts the calls that complete inside it; latency covers every call started
 * inside it, to its end (callers finish the call in hand when the window closes); errors are counted throughout.
 *
 * <p>Usage: {@code Load [--mode pool|direct] [--callers 1000] [--identities 100] [--max-per-key 4]
 * [--duration 60] [--warmup 5] [--transport streamable|sse] [--threads virtual|platform]}
 */
public final class Load {

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Args args = new Args(argv);
        String mode = args.string("mode", "pool");
        int callers = args.integer("callers", 1000);
        int identities = args.integer("identities", 100);
        int maxPerKey = args.integer("max-per-key", 4);
        int duration = args.integer("duration", 60);
        int warmup = args.integer("warmup", 5);
        Transport transport = Clients.transport(args.string("transport", "streamable"));
        String threads = args.string("threads", virtualThreadsAvailable() ? "virtual" : "platform");
        args.done("Load");
        if (!mode.equals("pool") && !mode.equals("direct")) {
            throw new IllegalArgumentException("mode must be pool or direct, but was " + mode);
        }
        try (ChildServer server = ChildServer.start()) {
            new Load(server.baseUrl(), transport, mode.equals("pool"), maxPerKey)
                    .run(callers, identities, duration, warmup, threads.equals("virtual"));
        }
    }

    private final String baseUrl;
    private final Transport transport;
    private final McpSessionPool pool;
    private final LongAdder sessionsCreated = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final LongAdder completedInWindow = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> firstMessages = new ConcurrentHashMap<>();

    private Load(String baseUrl, Transport transport, boolean pooled, int maxPerKey) {
        this.baseUrl = baseUrl;
        this.transport = transport;
        this.pool = !pooled ? null : McpSessionPool.create(PoolConfig.builder()
                .name("load")
                .maxSessionsPerKey(maxPerKey)
                .listener(new PoolListener() {
                    @Override
                    public void sessionCreated(PoolKey key, Duration took) {
                        sessionsCreated.increment();
                    }
                })
                .build());
    }

    private void run(int callerCount, int identities, int durationSeconds, int warmupSeconds, boolean virtual)
            throws Exception {
        List<Route> routes = new ArrayList<>();
        List<CallerIdentity> people = new ArrayList<>();
        for (int i = 0; i < identities; i++) {
            people.add(Fixtures.identity(i));
            if (pool != null) {
                routes.add(pool.route(Clients.target(baseUrl, transport), people.get(i)));
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        mx.resetPeakThreadCount();
        Map<String, Integer> peakByKind = new TreeMap<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sampler"));
        Map<String, Integer> peakByName = new TreeMap<>();
        sampler.scheduleAtFixedRate(() -> {
            ThreadCensus.take(pool == null ? null : "load").forEach((k, v) -> peakByKind.merge(k, v, Math::max));
            ThreadCensus.byName().forEach((k, v) -> peakByName.merge(k, v, Math::max));
        }, 0, 250, TimeUnit.MILLISECONDS);

        ExecutorService executor = virtual ? virtualThreadExecutor() : platformThreadExecutor();
        CountDownLatch go = new CountDownLatch(1);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long stopAt = start + TimeUnit.SECONDS.toNanos(warmupSeconds + durationSeconds);
        List<Latencies> perCaller = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        for (int c = 0; c < callerCount; c++) {
            Latencies latencies = new Latencies();
            perCaller.add(latencies);
            int who = c % identities;
            executor.execute(() -> {
                running.incrementAndGet();
                try {
                    go.await();
                    callLoop(pool == null ? null : routes.get(who), people.get(who), latencies, measureFrom, stopAt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        go.countDown();
        System.out.printf("%d %s-thread callers over %d identities, %s, %s; warm-up %d s, measuring %d s%n",
                callerCount, virtual ? "virtual" : "platform", identities, transport,
                pool == null ? "new session per call" : "pool (maxSessionsPerKey=" + pool.config().maxSessionsPerKey()
                        + ")", warmupSeconds, durationSeconds);
        executor.shutdown();
        boolean finished = executor.awaitTermination(warmupSeconds + durationSeconds + 120L, TimeUnit.SECONDS);
        long end = Math.min(System.nanoTime(), stopAt);
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);

        Latencies all = new Latencies();
        perCaller.forEach(all::addAll);
        Latencies.Summary s = all.summary();
        double window = (end - measureFrom) / 1e9;
        System.out.println("| calls completed in window | calls/s | latency samples | p50 ms | p90 ms | p99 ms |"
                + " p99.9 ms | max ms | errors | sessions created | peak threads |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %.0f | %d | %s | %s | %s | %s | %s | %d | %d | %d |%n", completedInWindow.sum(),
                completedInWindow.sum() / window, s.count(),
                Latencies.Summary.ms(s.p50()), Latencies.Summary.ms(s.p90()), Latencies.Summary.ms(s.p99()),
                Latencies.Summary.ms(s.p999()), Latencies.Summary.ms(s.max()), errorCount(),
                pool == null ? calls.sum() : sessionsCreated.sum(), mx.getPeakThreadCount());
        System.out.println("calls in total (incl. warm-up): " + calls.sum() + "; all callers finished in time: "
                + finished + (finished ? "" : " (still running: " + running.get() + ")"));
        System.out.println("peak platform threads by kind (sampled every 250 ms): " + peakByKind);
        System.out.println("peak platform threads by name: " + peakByName);
        if (!errors.isEmpty()) {
            System.out.println("errors by type: " + errors + "; first messages: " + firstMessages);
        }
        if (pool != null) {
            PoolStats st = pool.stats();
            System.out.println("pool stats: hits=" + st.hits() + " misses=" + st.misses() + " evictions="
                    + st.evictions() + " acquireTimeouts=" + st.acquireTimeouts() + " creationFailures="
                    + st.creationFailures() + " keys=" + st.keyCount() + " idle=" + st.idle() + " leased="
                    + st.leased());
            pool.close();
        }
    }

    private void callLoop(Route route, CallerIdentity identity, Latencies latencies, long measureFrom, long stopAt) {
        while (true) {
            long t0 = System.nanoTime();
            if (t0 - stopAt >= 0) {
                return;
            }
            try {
                if (route != null) {
                    pool.call(route, c -> Clients.checked(c.callTool(Clients.ECHO)));
                } else {
                    Clients.callOnce(baseUrl, transport, identity);
                }
                long t1 = System.nanoTime();
                calls.increment();
                if (t0 - measureFrom >= 0) {
                    latencies.record(t1 - t0); // every call started inside the window, however late it ends
                }
                if (t1 - measureFrom >= 0 && t1 - stopAt <= 0) {
                    completedInWindow.increment();
                }
            } catch (RuntimeException | Error e) {
                String type = e.getClass().getSimpleName();
                errors.computeIfAbsent(type, k -> new LongAdder()).increment();
                firstMessages.putIfAbsent(type, String.valueOf(e.getMessage()));
            }
        }
    }

    private long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static boolean virtualThreadsAvailable() {
        try {
            Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, called by reflection: this code compiles for Java 17. */
    private static ExecutorService virtualThreadExecutor() throws ReflectiveOperationException {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    private static ExecutorService platformThreadExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(null, r, "caller-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        });
    }
}
