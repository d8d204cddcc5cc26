package dev.mcppool;

import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.Map;

/** The lease handed out by {@link McpSessionPool}: one holder, idempotent close. */
final class PooledSessionLease implements SessionLease {

    private final LeaseState<McpSyncClient> state;

    PooledSessionLease(PoolEngine<McpSyncClient> engine, PooledEntry<McpSyncClient> entry,
            Map<String, String> leaseHeaders) {
        this.state = new LeaseState<>(engine, entry, leaseHeaders);
    }

    @Override
    public McpSyncClient client() {
        return state.session();
    }

    @Override
    public PoolKey key() {
        return state.key();
    }

    @Override
    public void markBroken() {
        state.markBroken();
    }

    /** Marks the session as forgotten by the server. */
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
        return state.describe("SessionLease");
    }
}
