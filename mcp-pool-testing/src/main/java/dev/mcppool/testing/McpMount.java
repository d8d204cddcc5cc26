package dev.mcppool.testing;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet Jetty knows for one transport. It hands each request to whichever
 * {@link McpBackend} is current, so that a backend can be swapped without touching Jetty.
 */
final class McpMount extends HttpServlet {

	private static final long serialVersionUID = 1L;

	private final TransportKind kind;

	private final transient Supplier<McpBackend> backend;

	McpMount(TransportKind kind, Supplier<McpBackend> backend) {
		this.kind = kind;
		this.backend = backend;
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response)
			throws ServletException, IOException {
		McpBackend current = backend.get();
		if (current == null) {
			// Only while the server is stopping.
			response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			return;
		}
		current.service(kind, request, response);
	}

}
