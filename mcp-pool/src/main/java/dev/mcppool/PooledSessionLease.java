package dev.mcppool;

import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import io.modelcontextprotocol.client.McpSyncClient;

import java.util.Map;

/** The lease handed out by {@link McpSessionPool}. */
final class PooledSessionLease extends AbstractLease<McpSyncClient> implements SessionLease {

    PooledSessionLease(PoolEngine<McpSyncClient> engine, PooledEntry<McpSyncClient> entry,
            Map<String, String> leaseHeaders) {
        super(engine, entry, leaseHeaders);
    }
}
