package dev.mcppool;

/**
 * One step of the health-check chain run on a pooled session that has been idle longer than the health-check
 * interval. Steps run in the configured order: the first that succeeds passes the session; a step the server does
 * not support (JSON-RPC {@code METHOD_NOT_FOUND}) or that times out moves on to the next; any other error fails the
 * session, which is then discarded.
 */
public enum HealthCheckMethod {
    /** {@code ping}: the cheapest request, answered by every conforming server. */
    PING,
    /** {@code tools/list}: costs a full tool listing; for servers without ping. */
    LIST_TOOLS,
    /** {@code prompts/list}. */
    LIST_PROMPTS,
    /** {@code resources/list}. */
    LIST_RESOURCES,
    /** Passes without any request: ends a chain whose earlier steps were unsupported or timed out. */
    SKIP
}
