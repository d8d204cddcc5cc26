package dev.mcppool;

import io.modelcontextprotocol.client.McpSyncClient;

/**
 * A session lent by {@link McpSessionPool}; use it in try-with-resources:
 *
 * <pre>{@code
 * try (SessionLease lease = pool.acquire(target, identity)) {
 *     lease.client().callTool(request);
 * }
 * }</pre>
 *
 * <p>See {@link Lease} for closing, marking broken and per-call headers. Use a lease from one thread at a time.
 */
public interface SessionLease extends Lease {

    /**
     * The session's client, initialized and ready for calls.
     *
     * @throws IllegalStateException if the lease is closed
     */
    McpSyncClient client();
}
