package dev.mcppool.testing;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.modelcontextprotocol.json.McpJsonDefaults;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;

/**
 * Stands in front of every MCP endpoint: records each request, then lets the fault switches answer,
 * hold or drop it before the MCP server sees it.
 */
final class HarnessFilter extends HttpFilter {

	private static final long serialVersionUID = 1L;

	private static final String ATTRIBUTE = RecordedRequest.class.getName();

	private final transient TrafficLog traffic;

	private final transient Faults faults;

	HarnessFilter(TrafficLog traffic, Faults faults) {
		this.traffic = traffic;
		this.faults = faults;
	}

	/** The description that this filter attached to a request on its way to the MCP servlets. */
	static RecordedRequest recorded(HttpServletRequest request) {
		return (RecordedRequest) request.getAttribute(ATTRIBUTE);
	}

	@Override
	protected void doFilter(HttpServletRequest original, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest request = original;
		String rpcMethod = null;
		if ("POST".equals(original.getMethod())) {
			BufferedRequest buffered = new BufferedRequest(original);
			rpcMethod = jsonRpcMethod(buffered.body());
			request = buffered;
		}
		RecordedRequest recorded = new RecordedRequest(request.getMethod(), request.getRequestURI(),
				sessionId(request), rpcMethod, headers(request));
		request.setAttribute(ATTRIBUTE, recorded);
		traffic.record(recorded);

		Optional<Faults.Rejection> rejection = faults.rejectionFor(recorded);
		if (rejection.isPresent()) {
			response.setStatus(rejection.get().status());
			rejection.get().headers().forEach(response::setHeader);
			return;
		}
		if (!faults.awaitDelay(recorded)) {
			response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			return;
		}
		if (!faults.awaitInitializeRelease(recorded)) {
			response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			return;
		}
		if (faults.shouldDrop(recorded)) {
			// Closing the socket itself, as a crashed peer would: aborting the servlet channel instead
			// still sends a 500.
			ServletContextRequest.getServletContextRequest(original)
				.getConnectionMetaData()
				.getConnection()
				.getEndPoint()
				.close();
			return;
		}
		traffic.countHandled(recorded);
		chain.doFilter(request, response);
	}

	private static String sessionId(HttpServletRequest request) {
		String header = request.getHeader("Mcp-Session-Id");
		return header != null ? header : request.getParameter("sessionId");
	}

	private static Map<String, String> headers(HttpServletRequest request) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (String name : Collections.list(request.getHeaderNames())) {
			headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", Collections.list(request.getHeaders(name))));
		}
		return headers;
	}

	private static String jsonRpcMethod(byte[] body) {
		try {
			Map<?, ?> message = McpJsonDefaults.getMapper().readValue(body, Map.class);
			return message.get("method") instanceof String method ? method : null;
		}
		catch (IOException | RuntimeException notAJsonObject) {
			return null;
		}
	}

}
