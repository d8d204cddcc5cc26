package dev.mcppool;

import dev.mcppool.internal.HeaderRules;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the sync and the async lease share: one holder of one pooled session, the headers it sends, how the session is
 * to be given back, and an idempotent close. The subclasses add only the client type.
 */
abstract class AbstractLease<S> implements Lease {

    private final PoolEngine<S> engine;
    private final PooledEntry<S> entry;
    private final Map<String, String> leaseHeaders;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DiscardReason discard;

    AbstractLease(PoolEngine<S> engine, PooledEntry<S> entry, Map<String, String> leaseHeaders) {
        this.engine = engine;
        this.entry = entry;
        this.leaseHeaders = leaseHeaders;
        entry.context().lease(leaseHeaders, Map.of());
    }

    /** The session's client, if the lease is still open (the door's interface narrows the type). */
    public final S client() {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed; acquire a new one");
        }
        return entry.session();
    }

    final PooledEntry<S> entry() {
        return entry;
    }

    @Override
    public final PoolKey key() {
        return entry.key();
    }

    @Override
    public final void markBroken() {
        if (discard == null) {
            discard = DiscardReason.BROKEN;
        }
    }

    /** Marks the session as forgotten by the server. */
    final void markStale() {
        discard = DiscardReason.STALE;
    }

    @Override
    public final void setCallHeaders(Map<String, String> headers) {
        if (closed.get()) {
            throw new IllegalStateException("lease for " + entry.key() + " is closed");
        }
        entry.context().lease(leaseHeaders, HeaderRules.validated(headers, "call header"));
    }

    @Override
    public final boolean isClosed() {
        return closed.get();
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            engine.release(entry, discard, true);
        }
    }

    @Override
    public String toString() {
        return getClass().getInterfaces()[0].getSimpleName() + "[" + entry.key() + (closed.get() ? ", closed" : "")
                + "]";
    }
}
