package dev.mcppool;

import dev.mcppool.internal.HeaderRules;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the sync and the async lease share: one holder of one pooled session, the headers it sends, how the session is
 * to be given back, and an idempotent close.
 */
final class LeaseState<S> {

    private final PoolEngine<S> engine;
    private final PooledEntry<S> entry;
    private final Map<String, String> leaseHeaders;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DiscardReason discard;

    LeaseState(PoolEngine<S> engine, PooledEntry<S> entry, Map<String, String> leaseHeaders) {
        this.engine = engine;
        this.entry = entry;
        this.leaseHeaders = leaseHeaders;
        entry.context().lease(leaseHeaders, Map.of());
    }

    S session() {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed; acquire a new one");
        }
        return entry.session();
    }

    PooledEntry<S> entry() {
        return entry;
    }

    PoolKey key() {
        return entry.key();
    }

    void markBroken() {
        if (discard == null) {
            discard = DiscardReason.BROKEN;
        }
    }

    void markStale() {
        discard = DiscardReason.STALE;
    }

    void setCallHeaders(Map<String, String> headers) {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed");
        }
        entry.context().lease(leaseHeaders, HeaderRules.validated(headers, "call header"));
    }

    boolean isClosed() {
        return closed.get();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            engine.release(entry, discard, true);
        }
    }

    String describe(String kind) {
        return kind + "[" + entry.key() + (closed.get() ? ", closed" : "") + "]";
    }
}
