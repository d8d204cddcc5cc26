package dev.mcppool;

import dev.mcppool.internal.SessionSpec;

/**
 * A target and a caller identity with their pool key already derived. Deriving a key hashes the identity headers
 * (SHA-256); a caller that makes many calls for the same user and server can derive the route once with
 * {@link McpSessionPool#route} and acquire by route. Immutable and thread-safe; bound to the pool that made it.
 */
public final class Route {

    private final PoolKey key;
    private final McpTarget target;
    private final CallerIdentity identity;
    private final SessionSpec spec;
    private final Object owner;

    Route(PoolKey key, McpTarget target, CallerIdentity identity, SessionSpec spec, Object owner) {
        this.key = key;
        this.target = target;
        this.identity = identity;
        this.spec = spec;
        this.owner = owner;
    }

    public PoolKey key() {
        return key;
    }

    public McpTarget target() {
        return target;
    }

    public CallerIdentity identity() {
        return identity;
    }

    /** What the pool needs to open a session for this route, raw headers included. */
    SessionSpec spec() {
        return spec;
    }

    Object owner() {
        return owner;
    }

    @Override
    public String toString() {
        return "Route[" + key + "]";
    }
}
