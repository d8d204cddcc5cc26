package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.AsyncSessionLease;
import dev.mcppool.CallerIdentity;
import dev.mcppool.McpAsyncSessionPool;
import dev.mcppool.McpPoolException;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolStats;
import dev.mcppool.SessionLease;
import dev.mcppool.TestPool;
import dev.mcppool.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine's bounds under random load through both front doors at once: a blocking pool and an async pool on
 * the same real server, 16 callers each starting on one latch, each op picked at random (use and return, use and
 * mark broken, acquire and give up at once: an interrupt on the blocking door, a cancelled future on the async
 * door), then both pools closed while the load runs. A sampler checks the bounds throughout; afterwards every
 * permit is back and nothing stays open on the server (the fixture's leak check). Bounded: 5 s of load per
 * transport.
 */
class InvariantStressTest extends ReliabilityFixture {

    private static final int CALLERS_PER_DOOR = 16;
    private static final int USERS = 6;
    private static final int PER_KEY = 3;
    private static final int TOTAL = 10;
    private static final Duration LOAD = Duration.ofSeconds(5);

    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"STREAMABLE_HTTP", "SSE"})
    void boundsHoldUnderRandomAcquireFailCancelInterruptAndClose(Transport transport) throws Exception {
        var config = realTimeConfig().maxSessionsPerKey(PER_KEY).maxTotalSessions(TOTAL)
                .acquireTimeout(Duration.ofMillis(300)).createTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(5)).build();
        McpSessionPool sync = syncPool(config);
        McpAsyncSessionPool async = asyncPool(config);
        McpTarget target = target(transport);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger operations = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CALLERS_PER_DOOR; i++) {
            threads.add(new Thread(() -> loop(start, stop, operations, () -> syncOp(sync, target)), "stress-sync-" + i));
            threads.add(new Thread(() -> loop(start, stop, operations, () -> asyncOp(async, target)), "stress-async-" + i));
        }
        threads.forEach(Thread::start);
        start.countDown();
        long end = System.nanoTime() + LOAD.toNanos();
        int samples = 0;
        while (System.nanoTime() < end) {
            sample(sync.stats());
            sample(async.stats());
            samples++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        // Close both pools while the callers are still at it; then let the callers see it and stop.
        sync.close();
        async.close();
        stop.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(t.isAlive()).as("%s still running", t.getName()).isFalse();
        }
        if (System.getProperty("stress.debug") != null) {
            try {
                server.awaitLiveSessions(0, Duration.ofSeconds(5));
            } catch (AssertionError e) {
                var bySession = new java.util.TreeMap<String, List<String>>();
                for (var r : server.requests()) {
                    bySession.computeIfAbsent(String.valueOf(r.sessionId()), k -> new ArrayList<>())
                            .add(r.method() + " " + r.jsonRpcMethod());
                }
                bySession.forEach((id, rs) -> {
                    if (rs.stream().noneMatch(x -> x.startsWith("DELETE"))) {
                        System.out.println("NODELETE " + id + " " + rs);
                    }
                });
            }
        }
        assertThat(violations).isEmpty();
        assertThat(operations.get()).as("operations").isGreaterThan(100);
        assertThat(samples).isGreaterThan(50);
        for (PoolStats stats : List.of(sync.stats(), async.stats())) {
            assertThat(stats.leased()).isZero();
            assertThat(stats.creating()).isZero();
            assertThat(stats.totalSessions()).isZero();
        }
        Row.print("stress", transport + ": " + operations.get() + " random operations over both doors in " + LOAD
                + ", " + samples + " samples, bounds held, closed under load");
    }

    private void sample(PoolStats stats) {
        for (PoolStats.KeyStats k : stats.keys()) {
            if (k.leased() + k.idle() + k.creating() > PER_KEY) {
                violations.add("key over its cap: " + k);
            }
        }
        if (stats.totalSessions() > TOTAL) {
            violations.add("over the global cap: " + stats.totalSessions());
        }
    }

    private void loop(CountDownLatch start, AtomicBoolean stop, AtomicInteger operations, Runnable op) {
        try {
            start.await();
        } catch (InterruptedException e) {
            return;
        }
        while (!stop.get()) {
            try {
                op.run();
            } catch (McpPoolException | IllegalStateException e) {
                // exhausted, closed, interrupted, a session in doubt: all expected under this load
            } catch (RuntimeException e) {
                if (!stop.get() && !isExpected(e)) {
                    violations.add("unexpected " + e);
                }
            }
            Thread.interrupted();
            operations.incrementAndGet();
        }
    }

    /** Failures the server or the close cause under this load; anything else is a violation. */
    private static boolean isExpected(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof McpPoolException || c instanceof java.util.concurrent.CancellationException
                    || c instanceof java.util.concurrent.TimeoutException || c instanceof java.io.IOException
                    || c instanceof java.util.concurrent.RejectedExecutionException || c instanceof InterruptedException) {
                return true;
            }
            String m = String.valueOf(c.getMessage());
            if (m.contains("closed") || m.contains("terminated") || m.contains("interrupted")) {
                return true;
            }
        }
        return false;
    }

    private static CallerIdentity user() {
        int u = ThreadLocalRandom.current().nextInt(USERS);
        return CallerIdentity.of("stress-" + u, Map.of("Authorization", "Bearer stress-" + u));
    }

    private void syncOp(McpSessionPool pool, McpTarget target) {
        var random = ThreadLocalRandom.current();
        int kind = random.nextInt(10);
        if (kind == 0) {
            Thread.currentThread().interrupt(); // the acquire gives up at once, wherever it is
        }
        try (SessionLease lease = pool.acquire(target, user())) {
            String text = TestPool.text(lease.client().callTool(TestPool.request("echo", Map.of("text", "s"))));
            if (!text.contains("s")) {
                violations.add("echo answered " + text);
            }
            if (kind == 1) {
                lease.markBroken();
            }
        }
    }

    private void asyncOp(McpAsyncSessionPool pool, McpTarget target) {
        var random = ThreadLocalRandom.current();
        int kind = random.nextInt(10);
        CompletableFuture<AsyncSessionLease> acquiring = pool.acquire(target, user());
        if (kind == 0) {
            if (!acquiring.cancel(false)) {
                acquiring.join().close();
            }
            return;
        }
        AsyncSessionLease lease = acquiring.join();
        try {
            lease.call(c -> c.callTool(TestPool.request("echo", Map.of("text", "a")))).block(Duration.ofSeconds(10));
            if (kind == 1) {
                lease.markBroken();
            }
        } finally {
            lease.close();
        }
    }
}
