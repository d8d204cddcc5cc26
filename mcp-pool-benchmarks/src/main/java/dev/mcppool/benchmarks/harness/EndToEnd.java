package dev.mcppool.benchmarks.harness;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.Route;
import dev.mcppool.Transport;
import dev.mcppool.benchmarks.Fixtures;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Per-call latency and throughput over loopback against a real MCP server (a {@link ServerMain} child process), for:
 * <ul>
 * <li>{@code floor}: one initialized SDK client per caller, reused for every call;</li>
 * <li>{@code pool}: {@code pool.call(route, c -> c.callTool(...))}, the route derived once;</li>
 * <li>{@code newSession}: a new SDK client per call (build, initialize, callTool, closeGracefully).</li>
 * </ul>
 * The modes run in interleaved blocks (the order rotating each round), so background load on the machine hits all
 * three alike; the first {@code --warmup-rounds} rounds are not counted. Each of {@code --concurrency} callers runs
 * its calls back to back; they share one identity, so the pool serves them from one key.
 *
 * <p>Usage: {@code EndToEnd [--transports streamable,sse] [--rounds 10] [--warmup-rounds 2] [--calls 300]
 * [--new-session-calls 30] [--concurrency 1]} (calls are per round and mode).
 */
public final class EndToEnd {

    enum Mode { FLOOR, POOL, NEW_SESSION }

    private final String baseUrl;
    private final Transport transport;
    private final int concurrency;
    private final CallerIdentity identity = Fixtures.identity(0);
    private final ExecutorService callers;
    private final McpSessionPool pool;
    private final Route route;
    private final List<McpSyncClient> floorClients = new ArrayList<>();

    private EndToEnd(String baseUrl, Transport transport, int concurrency) {
        this.baseUrl = baseUrl;
        this.transport = transport;
        this.concurrency = concurrency;
        this.callers = Executors.newFixedThreadPool(concurrency, r -> new Thread(r, "caller-" + r.hashCode()));
        this.pool = McpSessionPool.create(PoolConfig.builder().name("e2e").build());
        this.route = pool.route(Clients.target(baseUrl, transport), identity);
        for (int i = 0; i < concurrency; i++) {
            floorClients.add(Clients.open(baseUrl, transport, identity));
        }
    }

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Args args = new Args(argv);
        String[] transports = args.string("transports", "streamable,sse").split(",");
        int rounds = args.integer("rounds", 10);
        int warmupRounds = args.integer("warmup-rounds", 2);
        int calls = args.integer("calls", 300);
        int newCalls = args.integer("new-session-calls", 30);
        int concurrency = args.integer("concurrency", 1);
        args.done("EndToEnd");
        try (ChildServer server = ChildServer.start()) {
            for (String name : transports) {
                Transport transport = Clients.transport(name);
                EndToEnd run = new EndToEnd(server.baseUrl(), transport, concurrency);
                try {
                    run.report(run.measure(rounds, warmupRounds, calls, newCalls));
                } finally {
                    run.close();
                }
            }
        }
    }

    private Map<Mode, Result> measure(int rounds, int warmupRounds, int calls, int newCalls) throws Exception {
        Map<Mode, Result> results = new EnumMap<>(Mode.class);
        for (Mode m : Mode.values()) {
            results.put(m, new Result());
        }
        Mode[] modes = Mode.values();
        for (int round = 0; round < warmupRounds + rounds; round++) {
            for (int j = 0; j < modes.length; j++) {
                Mode mode = modes[(round + j) % modes.length];
                int n = mode == Mode.NEW_SESSION ? newCalls : calls;
                Result block = runBlock(mode, n);
                if (round >= warmupRounds) {
                    results.get(mode).add(block);
                }
            }
        }
        return results;
    }

    /** {@code n} calls in this mode, split over the callers; returns their latencies and the block's wall time. */
    private Result runBlock(Mode mode, int n) throws Exception {
        List<Future<Latencies>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            McpSyncClient floor = floorClients.get(c);
            int share = n / concurrency + (c < n % concurrency ? 1 : 0);
            futures.add(callers.submit(() -> {
                Latencies latencies = new Latencies();
                for (int i = 0; i < share; i++) {
                    long t0 = System.nanoTime();
                    call(mode, floor);
                    latencies.record(System.nanoTime() - t0);
                }
                return latencies;
            }));
        }
        Result block = new Result();
        for (Future<Latencies> f : futures) {
            block.latencies.addAll(f.get());
        }
        block.wallNanos = System.nanoTime() - start;
        return block;
    }

    private void call(Mode mode, McpSyncClient floor) {
        switch (mode) {
            case FLOOR -> Clients.checked(floor.callTool(Clients.ECHO));
            case POOL -> pool.call(route, c -> Clients.checked(c.callTool(Clients.ECHO)));
            case NEW_SESSION -> Clients.callOnce(baseUrl, transport, identity);
        }
    }

    private void report(Map<Mode, Result> results) {
        Latencies.Summary floor = results.get(Mode.FLOOR).latencies.summary();
        Latencies.Summary pooled = results.get(Mode.POOL).latencies.summary();
        Latencies.Summary fresh = results.get(Mode.NEW_SESSION).latencies.summary();
        System.out.printf("%n## %s, %d caller(s); latency in ms%n", transport, concurrency);
        System.out.println("| mode | calls | p50 | p90 | p99 | p99.9 | max | mean | calls/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Mode m : Mode.values()) {
            Result r = results.get(m);
            Latencies.Summary s = r.latencies.summary();
            System.out.printf("| %s | %d | %s | %s | %s | %s | %s | %s | %.0f |%n", m, s.count(),
                    Latencies.Summary.ms(s.p50()), Latencies.Summary.ms(s.p90()), Latencies.Summary.ms(s.p99()),
                    Latencies.Summary.ms(s.p999()), Latencies.Summary.ms(s.max()), Latencies.Summary.ms(s.mean()),
                    s.count() / (r.wallNanos / 1e9));
        }
        System.out.printf("pool/floor: p50 %.3f, p99 %.3f, mean %.3f, throughput %.3f%n",
                (double) pooled.p50() / floor.p50(), (double) pooled.p99() / floor.p99(), pooled.mean() / floor.mean(),
                throughput(results, Mode.POOL) / throughput(results, Mode.FLOOR));
        System.out.printf("newSession/pool: p50 %.2f, p99 %.2f, mean %.2f, throughput %.3f%n",
                (double) fresh.p50() / pooled.p50(), (double) fresh.p99() / pooled.p99(), fresh.mean() / pooled.mean(),
                throughput(results, Mode.NEW_SESSION) / throughput(results, Mode.POOL));
        System.out.println("pool stats: " + statsLine());
    }

    private String statsLine() {
        var s = pool.stats();
        return "hits=" + s.hits() + " misses=" + s.misses() + " evictions=" + s.evictions() + " idle=" + s.idle()
                + " leased=" + s.leased();
    }

    private static double throughput(Map<Mode, Result> results, Mode mode) {
        Result r = results.get(mode);
        return r.latencies.count() / (r.wallNanos / 1e9);
    }

    private void close() {
        floorClients.forEach(Clients::close);
        pool.close();
        callers.shutdownNow();
    }

    private static final class Result {
        final Latencies latencies = new Latencies();
        long wallNanos;

        void add(Result block) {
            latencies.addAll(block.latencies);
            wallNanos += block.wallNanos;
        }
    }
}
