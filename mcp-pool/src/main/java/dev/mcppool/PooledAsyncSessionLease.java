package dev.mcppool;

import dev.mcppool.internal.AsyncSessionFactory;
import dev.mcppool.internal.HeaderRules;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/** The lease handed out by {@link McpAsyncSessionPool}: one holder, idempotent close. */
final class PooledAsyncSessionLease implements AsyncSessionLease {

    private final PoolEngine<McpAsyncClient> engine;
    private final PooledEntry<McpAsyncClient> entry;
    private final Map<String, String> leaseHeaders;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DiscardReason discard;

    PooledAsyncSessionLease(PoolEngine<McpAsyncClient> engine, PooledEntry<McpAsyncClient> entry,
            Map<String, String> leaseHeaders) {
        this.engine = engine;
        this.entry = entry;
        this.leaseHeaders = leaseHeaders;
        entry.context().lease(leaseHeaders, Map.of());
    }

    @Override
    public McpAsyncClient client() {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed; acquire a new one");
        }
        return entry.session();
    }

    @Override
    public <T> Mono<T> call(Function<McpAsyncClient, Mono<T>> request) {
        return Mono.defer(() -> AsyncSessionFactory.withContext(request.apply(client()),
                entry.context().transportContext()));
    }

    @Override
    public PoolKey key() {
        return entry.key();
    }

    @Override
    public void markBroken() {
        if (discard == null) {
            discard = DiscardReason.BROKEN;
        }
    }

    void markStale() {
        discard = DiscardReason.STALE;
    }

    @Override
    public void setCallHeaders(Map<String, String> headers) {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed");
        }
        entry.context().lease(leaseHeaders, HeaderRules.validated(headers, "call header"));
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.release(entry, discard, true);
        }
    }

    @Override
    public String toString() {
        return "AsyncSessionLease[" + entry.key() + (closed.get() ? ", closed" : "") + "]";
    }
}
