package dev.mcppool;

import java.util.Map;

/**
 * An initialized MCP session lent to one caller until {@link #close()}: what {@link SessionLease} (blocking,
 * {@code McpSyncClient}) and {@link AsyncSessionLease} ({@code McpAsyncClient}) have in common.
 *
 * <p>Closing returns the session to the pool; closing twice is a no-op. If a call failed in a way that leaves the
 * session in doubt (connection dropped, timeout), {@link #markBroken()} before closing so the pool discards it
 * instead of handing it to the next caller; the pools' {@code call} methods do this for you. A lease belongs to one
 * caller at a time; do not keep its client after closing it: the session may already serve another call of the
 * same key.
 */
public interface Lease extends AutoCloseable {

    /** The key the session was created under. */
    PoolKey key();

    /** Marks the session broken: on close it is discarded, not returned to the pool. */
    void markBroken();

    /**
     * Headers sent on this lease's following calls only, for example trace context ({@code traceparent}) or a
     * request id. They are not part of the key and do not stay with the session after the lease is closed. Replaces
     * any headers set before; an empty map clears them.
     */
    void setCallHeaders(Map<String, String> headers);

    /** Whether {@link #close()} has been called. */
    boolean isClosed();

    /** Returns the session to the pool, or discards it if marked broken, expired or the pool is closed. */
    @Override
    void close();
}
