package dev.mcppool;

/**
 * The MCP client transport a pooled session speaks. Part of the pool key: the same server URL reached over two
 * transports gives two separate sets of sessions.
 */
public enum Transport {
    /** Streamable HTTP (protocol revisions 2025-03-26 and later): the recommended transport. */
    STREAMABLE_HTTP,
    /**
     * The legacy HTTP+SSE transport (protocol 2024-11-05), deprecated by the SDK. When its event stream dies the
     * session still looks initialized and calls only time out, so keep the health check on for it.
     */
    SSE,
    /**
     * A local server process speaking MCP over its standard input and output (the SDK's stdio transport). The pool
     * owns the process: it is stopped when its session is discarded or the pool closes.
     */
    STDIO
}
