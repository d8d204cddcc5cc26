package dev.mcppool;

import dev.mcppool.internal.McpSessionFactory;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/** The lease handed out by {@link McpAsyncSessionPool}: one holder, idempotent close. */
final class PooledAsyncSessionLease implements AsyncSessionLease {

    private final LeaseState<McpAsyncClient> state;

    PooledAsyncSessionLease(PoolEngine<McpAsyncClient> engine, PooledEntry<McpAsyncClient> entry,
            Map<String, String> leaseHeaders) {
        this.state = new LeaseState<>(engine, entry, leaseHeaders);
    }

    @Override
    public McpAsyncClient client() {
        return state.session();
    }

    @Override
    public <T> Mono<T> call(Function<McpAsyncClient, Mono<T>> request) {
        return Mono.defer(() -> McpSessionFactory.withContext(request.apply(client()),
                state.entry().context().transportContext()));
    }

    @Override
    public PoolKey key() {
        return state.key();
    }

    @Override
    public void markBroken() {
        state.markBroken();
    }

    void markStale() {
        state.markStale();
    }

    @Override
    public void setCallHeaders(Map<String, String> headers) {
        state.setCallHeaders(headers);
    }

    @Override
    public boolean isClosed() {
        return state.isClosed();
    }

    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        return state.describe("AsyncSessionLease");
    }
}
