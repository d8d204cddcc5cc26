package dev.mcppool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * The answer of the {@code whoami} tool of a {@link TestMcpServer}: which session the server saw and
 * which HTTP headers reached it.
 *
 * @param sessionId the session the call belonged to, as it appears on the wire (the
 *        {@code Mcp-Session-Id} on Streamable HTTP, the {@code sessionId} query parameter on SSE)
 * @param headers the headers of the HTTP request that carried this {@code tools/call}, keyed by
 *        lower-case name
 * @param initHeaders the headers of the HTTP request that carried this session's
 *        {@code initialize}, keyed by lower-case name; empty if the server did not see it
 */
public record WhoAmI(String sessionId, Map<String, String> headers, Map<String, String> initHeaders) {

	/**
	 * Creates an answer.
	 * @param sessionId the session id as it appears on the wire
	 * @param headers the headers of the call, by lower-case name; copied, {@code null} for none
	 * @param initHeaders the headers of the initialize, by lower-case name; copied, {@code null} for
	 *        none
	 */
	public WhoAmI {
		headers = headers == null ? Map.of() : Map.copyOf(headers);
		initHeaders = initHeaders == null ? Map.of() : Map.copyOf(initHeaders);
	}

	/**
	 * Reads the JSON text that the {@code whoami} tool returns.
	 * @param json the text content of the tool result
	 * @return the parsed answer
	 * @throws UncheckedIOException if the text is not a {@code whoami} answer
	 */
	public static WhoAmI parse(String json) {
		try {
			return McpJsonDefaults.getMapper().readValue(json, WhoAmI.class);
		}
		catch (IOException e) {
			throw new UncheckedIOException("not a whoami answer", e);
		}
	}

	/**
	 * Reads the answer from a {@code whoami} tool result.
	 * @param result the result of calling {@code whoami}
	 * @return the parsed answer
	 * @throws IllegalArgumentException if the result has no text content
	 */
	public static WhoAmI from(McpSchema.CallToolResult result) {
		return result.content()
			.stream()
			.filter(McpSchema.TextContent.class::isInstance)
			.map(content -> parse(((McpSchema.TextContent) content).text()))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("whoami result has no text content"));
	}

	/**
	 * Returns a header of the request that carried the {@code tools/call}.
	 * @param name the header name, in any case
	 * @return the value, or {@code null} if the request did not carry it
	 */
	public String header(String name) {
		return headers.get(name.toLowerCase(Locale.ROOT));
	}

	/**
	 * Returns a header of the request that carried the session's {@code initialize}.
	 * @param name the header name, in any case
	 * @return the value, or {@code null} if that request did not carry it
	 */
	public String initHeader(String name) {
		return initHeaders.get(name.toLowerCase(Locale.ROOT));
	}

	/** Shows header names only: header values may be credentials, and this text ends up in logs. */
	@Override
	public String toString() {
		return "WhoAmI[session=" + sessionId + ", headers=" + new TreeSet<>(headers.keySet()) + ", initHeaders="
				+ new TreeSet<>(initHeaders.keySet()) + "]";
	}

	String toJson() {
		try {
			return McpJsonDefaults.getMapper().writeValueAsString(this);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
