package dev.mcppool.testing;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One HTTP request as the {@link TestMcpServer} received it, before any fault switch acted on it.
 *
 * @param method the HTTP method, for example {@code POST}
 * @param path the request path without the query, for example {@code /mcp} or {@code /message}
 * @param sessionId the MCP session the request belongs to: the {@code Mcp-Session-Id} header on
 *        Streamable HTTP, the {@code sessionId} query parameter on legacy SSE; {@code null} when it
 *        carries none
 * @param jsonRpcMethod the JSON-RPC {@code method} of a POST body, for example {@code tools/call};
 *        {@code null} for other requests and for JSON-RPC responses
 * @param headers every request header, keyed by lower-case name; repeated headers are joined with
 *        {@code ", "}; unmodifiable
 */
public record RecordedRequest(String method, String path, String sessionId, String jsonRpcMethod,
		Map<String, String> headers) {

	/**
	 * Creates the record of one request.
	 * @param method the HTTP method
	 * @param path the request path without the query
	 * @param sessionId the MCP session id, or {@code null}
	 * @param jsonRpcMethod the JSON-RPC method, or {@code null}
	 * @param headers the request headers by lower-case name; copied
	 */
	public RecordedRequest {
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(path, "path");
		headers = Map.copyOf(headers);
	}

	/**
	 * Returns the value of a request header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null} if the request did not carry the header
	 */
	public String header(String name) {
		return headers.get(name.toLowerCase(Locale.ROOT));
	}

	/**
	 * Tells whether this request carried a JSON-RPC message with the given method.
	 * @param rpcMethod a JSON-RPC method name, for example {@code initialize}
	 * @return {@code true} if {@link #jsonRpcMethod()} equals {@code rpcMethod}
	 */
	public boolean isJsonRpc(String rpcMethod) {
		return rpcMethod.equals(jsonRpcMethod);
	}

	/** Shows header names only: header values may be credentials, and this text ends up in logs. */
	@Override
	public String toString() {
		return "RecordedRequest[" + method + " " + path + ", session=" + sessionId + ", jsonRpc=" + jsonRpcMethod
				+ ", headers=" + new TreeSet<>(headers.keySet()) + "]";
	}

}
