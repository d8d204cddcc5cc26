package dev.mcppool;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.Map;

/**
 * An initialized MCP session lent to one caller until {@link #close()}. Use it in try-with-resources:
 *
 * <pre>{@code
 * try (SessionLease lease = pool.acquire(target, identity)) {
 *     lease.client().callTool(request);
 * }
 * }</pre>
 *
 * <p>Closing returns the session to the pool; closing twice is a no-op. If a call failed in a way that leaves the
 * session in doubt (connection dropped, timeout), {@link #markBroken()} before closing so the pool discards it
 * instead of handing it to the next caller. {@link McpSessionPool#call} does this for you.
 *
 * <p>A lease belongs to one caller at a time; use it from one thread at a time. Do not keep the client after
 * closing the lease: the session may already serve another call of the same key.
 */
public interface SessionLease extends AutoCloseable {

    /**
     * The session's client, initialized and ready for calls.
     *
     * @throws IllegalStateException if the lease is closed
     */
    McpSyncClient client();

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
