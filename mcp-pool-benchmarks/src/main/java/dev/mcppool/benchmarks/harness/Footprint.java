package dev.mcppool.benchmarks.harness;

import dev.mcppool.DiscardReason;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.Route;
import dev.mcppool.Transport;
import dev.mcppool.benchmarks.FakeSessionFactory;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.Blocking;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;
import dev.mcppool.internal.SessionSpec;

import io.modelcontextprotocol.client.McpSyncClient;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Retained heap and threads, measured as differences of heap used after full GCs ({@link MemoryMXBean}) over many
 * keys or sessions. Run it with {@code -XX:+UseSerialGC}, so that a full GC leaves exactly the live objects.
 * <ol>
 * <li>Keys, with the fake factory: the caller's route (spec) per key; the pool's own structures per idle key with no
 * session; everything the pool retains per idle key once the caller dropped its route (the pool keeps the spec: key
 * hashes, URL, headers); the pool's bookkeeping per idle session (the fake session itself is a bare Object).</li>
 * <li>Real sessions on a server in a child process: heap and platform threads as a pool opens more sessions (one
 * key each), then the same number of bare SDK clients.</li>
 * </ol>
 * Usage: {@code Footprint [--keys 100000 (0: skip)] [--sessions 10,50,100,200 (none: skip)]
 * [--transport streamable|sse]}
 */
public final class Footprint {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** What the caller holds; a static field, so the JIT cannot decide it is dead before we drop it. */
    private static SessionSpec[] callerSpecs;

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Args args = new Args(argv);
        int keys = args.integer("keys", 100_000);
        String[] steps = args.string("sessions", "10,50,100,200").split(",");
        Transport transport = Clients.transport(args.string("transport", "streamable"));
        args.done("Footprint");
        if (keys > 0) {
            keys(keys);
        }
        if (!steps[0].equals("none")) {
            try (ChildServer server = ChildServer.start()) {
                sessions(server.baseUrl(), transport, steps);
            }
        }
    }

    // -------------------------------------------------------------------------------------------- keys

    private static void keys(int n) {
        PoolConfig config = Fixtures.config(n);
        long[] empty = keyPass(config, n, false);
        long[] withSession = keyPass(config, n, true);
        System.out.printf("%n## Heap per key, fake factory, %,d keys, %s%n", n, gcName());
        System.out.println("| what | bytes per key |");
        System.out.println("|---|---|");
        perKey("the caller's route: SessionSpec, PoolKey, hashes, merged headers (+4 B array slot)", empty[1] - empty[0], n);
        perKey("**idle key, no session: the pool's own structures** (caller still holds its route)", empty[2] - empty[1], n);
        perKey("idle key, no session: all the pool retains once the caller dropped its route", empty[3] - empty[0], n);
        perKey("one idle pooled session: the pool's bookkeeping (PooledEntry, SessionContext, ...)",
                (withSession[2] - withSession[1]) - (empty[2] - empty[1]), n);
        perKey("key + one idle session: all the pool retains once the caller dropped its route",
                withSession[3] - withSession[0], n);
    }

    /** Heap at: start, specs derived, keys created (empty or with one idle session), caller's specs dropped. */
    private static long[] keyPass(PoolConfig config, int n, boolean keepSession) {
        long[] heap = new long[4];
        FakeSessionFactory factory = new FakeSessionFactory();
        ScheduledExecutorService worker = Fixtures.worker();
        PoolEngine<Object> engine = Fixtures.engine(config, factory, worker);
        heap[0] = usedHeap();
        callerSpecs = Fixtures.specs(n, config);
        heap[1] = usedHeap();
        for (SessionSpec spec : callerSpecs) {
            PooledEntry<Object> e = Blocking.acquire(engine, spec);
            // BROKEN closes the session at once (the closer runs on this thread) and leaves the key, empty.
            engine.release(e, keepSession ? null : DiscardReason.BROKEN, keepSession);
        }
        heap[2] = usedHeap();
        if (engine.totalSessions() != (keepSession ? n : 0) || engine.stats(0).keyCount() != n) {
            throw new IllegalStateException("unexpected pool state: " + engine.totalSessions() + " sessions");
        }
        callerSpecs = null;
        heap[3] = usedHeap();
        engine.close();
        worker.shutdownNow();
        return heap;
    }

    private static void perKey(String what, long bytes, int n) {
        System.out.printf("| %s | %.0f |%n", what, bytes / (double) n);
    }

    // -------------------------------------------------------------------------------------------- sessions

    private static void sessions(String baseUrl, Transport transport, String[] steps) throws Exception {
        int[] counts = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            counts[i] = Integer.parseInt(steps[i].trim());
        }
        int max = counts[counts.length - 1];
        // One of each first, so that class loading and the SDK's static caches are not counted as per-session.
        try (McpSessionPool warm = McpSessionPool.create(PoolConfig.builder().name("warm").build())) {
            warm.prewarm(warm.route(Clients.target(baseUrl, transport), Fixtures.identity(-1)), 1);
        }
        Clients.close(Clients.open(baseUrl, transport, Fixtures.identity(-1)));
        awaitSelectorsGone();

        long[] poolHeap = new long[counts.length];
        List<Map<String, Integer>> poolThreads = new ArrayList<>();
        Map<String, Integer> before = ThreadCensus.take("fp");
        long poolBase = usedHeap();
        McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().name("fp")
                .maxKeys(Math.max(10_000, max)).maxTotalSessions(Math.max(1_000, max)).build());
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            while (routes.size() < counts[i]) {
                Route route = pool.route(Clients.target(baseUrl, transport), Fixtures.identity(routes.size()));
                routes.add(route);
                pool.prewarm(route, 1);
            }
            poolHeap[i] = settledHeap() - poolBase;
            poolThreads.add(ThreadCensus.take("fp"));
        }
        pool.close();
        routes.clear();
        Map<String, Integer> afterClose = ThreadCensus.take("fp");
        long lingered = awaitSelectorsGone();

        long[] bareHeap = new long[counts.length];
        List<Map<String, Integer>> bareThreads = new ArrayList<>();
        List<McpSyncClient> clients = new ArrayList<>();
        long bareBase = usedHeap();
        for (int i = 0; i < counts.length; i++) {
            while (clients.size() < counts[i]) {
                clients.add(Clients.open(baseUrl, transport, Fixtures.identity(clients.size())));
            }
            bareHeap[i] = settledHeap() - bareBase;
            bareThreads.add(ThreadCensus.take("fp"));
        }
        clients.forEach(Clients::close);
        clients.clear();
        Map<String, Integer> afterBare = ThreadCensus.take("fp");
        long bareLingered = awaitSelectorsGone();

        System.out.printf("%n## Real sessions, %s: heap after full GC (above the start), platform threads%n", transport);
        System.out.println("| sessions | pool: heap MiB | pool: KiB/session | pool threads: pool / HTTP selectors / JVM"
                + " total | bare SDK clients: heap MiB | bare: KiB/session | bare threads: HTTP selectors / HTTP"
                + " workers / JVM total |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf("| 0 | 0 | - | %d / %d / %d | 0 | - | %d / %d / %d |%n", ThreadCensus.count(before, "pool"),
                ThreadCensus.count(before, "httpSelector"), ThreadCensus.count(before, "total"),
                ThreadCensus.count(before, "httpSelector"), ThreadCensus.count(before, "httpWorker"),
                ThreadCensus.count(before, "total"));
        for (int i = 0; i < counts.length; i++) {
            Map<String, Integer> p = poolThreads.get(i);
            Map<String, Integer> b = bareThreads.get(i);
            System.out.printf("| %d | %.1f | %.0f | %d / %d / %d | %.1f | %.0f | %d / %d / %d |%n", counts[i],
                    poolHeap[i] / 1048576.0, poolHeap[i] / 1024.0 / counts[i], ThreadCensus.count(p, "pool"),
                    ThreadCensus.count(p, "httpSelector"), ThreadCensus.count(p, "total"), bareHeap[i] / 1048576.0,
                    bareHeap[i] / 1024.0 / counts[i], ThreadCensus.count(b, "httpSelector"),
                    ThreadCensus.count(b, "httpWorker"), ThreadCensus.count(b, "total"));
        }
        if (counts.length > 1) {
            int n = max - counts[0];
            System.out.printf("slope %d..%d sessions: pool %.1f KiB/session, bare SDK %.1f KiB/session%n", counts[0],
                    max, (poolHeap[counts.length - 1] - poolHeap[0]) / 1024.0 / n,
                    (bareHeap[counts.length - 1] - bareHeap[0]) / 1024.0 / n);
        }
        System.out.println("pool threads by kind at " + max + " sessions: " + poolThreads.get(counts.length - 1));
        System.out.println("bare threads by kind at " + max + " clients: " + bareThreads.get(counts.length - 1));
        System.out.println("right after pool.close(): " + afterClose + "; HTTP selector threads all gone after "
                + lingered + " ms of GC + waiting");
        System.out.println("right after the bare clients closed: " + afterBare + "; selectors gone after "
                + bareLingered + " ms");
    }

    /** Heap after a second's pause (sessions finish their asynchronous set-up, such as a listening stream). */
    private static long settledHeap() throws InterruptedException {
        Thread.sleep(1000);
        return Math.min(usedHeap(), usedHeap());
    }

    /**
     * The SDK never closes a transport's {@code HttpClient}; its selector thread ends only after the client has been
     * collected. Collects and waits (at most 60 s) until none is left, and returns how long that took.
     */
    private static long awaitSelectorsGone() throws InterruptedException {
        long start = System.nanoTime();
        while (ThreadCensus.count(ThreadCensus.take(null), "httpSelector") > 0
                && System.nanoTime() - start < 60_000_000_000L) {
            System.gc();
            Thread.sleep(200);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    // -------------------------------------------------------------------------------------------- heap

    /** Heap in use after full collections, once two in a row agree within 1 KiB. */
    static long usedHeap() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    private static String gcName() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                .reduce((a, b) -> a + "+" + b).orElse("?");
    }
}
