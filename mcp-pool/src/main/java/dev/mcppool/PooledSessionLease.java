package dev.mcppool;

import dev.mcppool.internal.HeaderRules;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The lease handed out by {@link McpSessionPool}: one holder, idempotent close. */
final class PooledSessionLease implements SessionLease {

    private final PoolEngine<McpSyncClient> engine;
    private final PooledEntry<McpSyncClient> entry;
    private final Map<String, String> leaseHeaders;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DiscardReason discard;

    PooledSessionLease(PoolEngine<McpSyncClient> engine, PooledEntry<McpSyncClient> entry,
            Map<String, String> leaseHeaders) {
        this.engine = engine;
        this.entry = entry;
        this.leaseHeaders = leaseHeaders;
        entry.context().lease(leaseHeaders, Map.of());
    }

    @Override
    public McpSyncClient client() {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed; acquire a new one");
        }
        return entry.session();
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

    /** Marks the session as forgotten by the server. */
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
        return "SessionLease[" + entry.key() + (closed.get() ? ", closed" : "") + "]";
    }
}
