package dev.mcppool.testing;

/**
 * The two MCP HTTP transports that a {@link TestMcpServer} serves at the same time.
 */
public enum TransportKind {

	/** Streamable HTTP at {@code /mcp}: one session per {@code Mcp-Session-Id}, ended by an HTTP DELETE. */
	STREAMABLE,

	/**
	 * The legacy HTTP+SSE transport: a long-lived {@code GET /sse} stream per session and
	 * {@code POST /message?sessionId=...} for client messages.
	 */
	SSE

}
