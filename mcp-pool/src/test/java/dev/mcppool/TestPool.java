package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.awaitility.Awaitility;

import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * One blocking test API over either front door, so that one test source runs through both. For {@link Door#ASYNC}
 * the test thread (never the pool) waits for the future or {@link Mono}, and a failure is thrown as the sync door
 * would throw it: the cause of the {@code CompletionException}, and a checked cause wrapped as
 * {@link Mono#block()} (which the SDK's {@code McpSyncClient} uses) wraps it. So a test asserts the same exception
 * type for both doors. A wait that never ends fails the test after {@link #CAP} instead of hanging it.
 */
public final class TestPool implements AutoCloseable {

    /** Longest wait for the async door; every wait in the tests is bounded by pool timeouts well below it. */
    static final Duration CAP = Duration.ofSeconds(120);

    private final Door door;
    private final McpSessionPool sync;
    private final McpAsyncSessionPool async;
    /** Whichever of the two it is, for what both doors offer alike. */
    private final AbstractSessionPool<?> pool;

    private TestPool(McpSessionPool sync, McpAsyncSessionPool async) {
        this.door = sync != null ? Door.SYNC : Door.ASYNC;
        this.sync = sync;
        this.async = async;
        this.pool = sync != null ? sync : async;
    }

    public static TestPool create(Door door, PoolConfig config) {
        return door == Door.SYNC ? of(McpSessionPool.create(config)) : of(McpAsyncSessionPool.create(config));
    }

    public static TestPool of(McpSessionPool pool) {
        return new TestPool(pool, null);
    }

    public static TestPool of(McpAsyncSessionPool pool) {
        return new TestPool(null, pool);
    }

    public Door door() {
        return door;
    }

    /** The blocking pool, for what only that door has. */
    public McpSessionPool sync() {
        if (sync == null) {
            throw new IllegalStateException("not the sync door");
        }
        return sync;
    }

    /** The async pool, for what only that door has. */
    public McpAsyncSessionPool async() {
        if (async == null) {
            throw new IllegalStateException("not the async door");
        }
        return async;
    }

    // ------------------------------------------------------------------------------------------------ keys, leases

    public Route route(McpTarget target, CallerIdentity identity) {
        return pool.route(target, identity);
    }

    public Route route(McpTarget target, CallerIdentity identity, String scope) {
        return pool.route(target, identity, scope);
    }

    public TestLease acquire(McpTarget target, CallerIdentity identity) {
        return sync != null ? new TestLease(sync.acquire(target, identity))
                : new TestLease(await(async.acquire(target, identity)));
    }

    public TestLease acquire(McpTarget target, CallerIdentity identity, String scope) {
        return sync != null ? new TestLease(sync.acquire(target, identity, scope))
                : new TestLease(await(async.acquire(target, identity, scope)));
    }

    public TestLease acquire(Route route) {
        return sync != null ? new TestLease(sync.acquire(route)) : new TestLease(await(async.acquire(route)));
    }

    // ------------------------------------------------------------------------------------------------ calls

    /** One tool call through the pool's own {@code call(...)}: lease, call, give back, retry once if stale. */
    public McpSchema.CallToolResult call(McpTarget target, CallerIdentity identity, String tool,
            Map<String, Object> arguments) {
        return call(route(target, identity), tool, arguments);
    }

    /** {@link #call(McpTarget, CallerIdentity, String, Map)} within a conversation scope. */
    public McpSchema.CallToolResult call(McpTarget target, CallerIdentity identity, String tool,
            Map<String, Object> arguments, String scope) {
        if (sync != null) {
            return sync.call(target, identity, c -> c.callTool(request(tool, arguments)), scope);
        }
        // The async door has no call(target, identity, request, scope); a scoped call goes through its route.
        return call(async.route(target, identity, scope), tool, arguments);
    }

    public McpSchema.CallToolResult call(Route route, String tool, Map<String, Object> arguments) {
        return sync != null ? sync.call(route, c -> c.callTool(request(tool, arguments)))
                : await(async.call(route, c -> c.callTool(request(tool, arguments))));
    }

    /** The {@code echo} tool through the pool's call; returns the text. */
    public String echo(McpTarget target, CallerIdentity identity, String text) {
        return text(call(target, identity, "echo", Map.of("text", text)));
    }

    /** The pool's call given no function at all, for the bad-input test. */
    public Object callWithNullFunction(McpTarget target, CallerIdentity identity) {
        return sync != null ? sync.call(target, identity, null) : await(async.call(target, identity, null));
    }

    // ------------------------------------------------------------------------------------------------ the rest

    public int prewarm(McpTarget target, CallerIdentity identity, int count) {
        return sync != null ? sync.prewarm(target, identity, count) : await(async.prewarm(target, identity, count));
    }

    public int drain() {
        return pool.drain();
    }

    public Duration maintain() {
        return pool.maintain();
    }

    public PoolStats stats() {
        return pool.stats();
    }

    public String name() {
        return pool.name();
    }

    public boolean isClosed() {
        return pool.isClosed();
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * The fixtures' leak check of one pool: if the test left it open, every lease it took is back and nothing is
     * being created or waited for (background work allowed to finish); then closed, nothing is left leased and
     * every permit is back.
     */
    /**
     * {@link #closeAndCheck()} for every pool: each is closed whatever fails first; returns the first failure, or
     * null.
     */
    public static AssertionError closeAllAndCheck(java.util.List<TestPool> pools) {
        AssertionError first = null;
        for (TestPool pool : pools) {
            try {
                pool.closeAndCheck();
            } catch (AssertionError e) {
                pool.close();
                first = first == null ? e : first;
            }
        }
        return first;
    }

    public void closeAndCheck() {
        if (!isClosed()) {
            Awaitility.await("every lease of " + this + " returned").atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> {
                        PoolStats stats = stats();
                        assertThat(stats.leased()).as("leased").isZero();
                        assertThat(stats.creating()).as("creating").isZero();
                        assertThat(stats.pendingAcquires()).as("pending").isZero();
                    });
        }
        close();
        PoolStats stats = stats();
        assertThat(stats.leased()).as("leased after close of %s", this).isZero();
        assertThat(stats.totalSessions()).as("sessions after close of %s", this).isZero();
    }

    @Override
    public String toString() {
        return door + " " + pool;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    public static McpSchema.CallToolRequest request(String tool, Map<String, Object> arguments) {
        return McpSchema.CallToolRequest.builder().name(tool).arguments(arguments).build();
    }

    /** The first text content of a tool's result. */
    public static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text())
                .findFirst().orElseThrow();
    }

    static <T> T await(Mono<T> mono) {
        return await(mono.toFuture());
    }

    /** Waits on the test thread; throws what the sync door would throw. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(CAP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new AssertionError("the async door did not complete within " + CAP);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw Exceptions.propagate(e);
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return Exceptions.propagate(cause);
    }
}
