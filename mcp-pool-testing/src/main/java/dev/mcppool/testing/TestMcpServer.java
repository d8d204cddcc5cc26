package dev.mcppool.testing;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A real MCP server, built from the MCP Java SDK's servlet transports on embedded Jetty, with
 * counters, a record of requests and fault switches for testing MCP clients.
 *
 * <p>It listens on {@code 127.0.0.1} only and serves, at the same time:
 * <ul>
 * <li>Streamable HTTP at {@link #streamableUri()} ({@code /mcp});</li>
 * <li>the legacy HTTP+SSE transport at {@code /sse} and {@code /message}, for a client given
 * {@link #sseUri()} as base URI.</li>
 * </ul>
 *
 * <p>Both offer the same tools, and declare only the tools capability (so, for example,
 * {@code prompts/list} fails with JSON-RPC error -32601):
 * <ul>
 * <li>{@code echo}: returns its {@code text} argument as text content;</li>
 * <li>{@code whoami}: returns JSON describing the session and the headers the server saw; read it
 * with {@link WhoAmI#from};</li>
 * <li>{@code counter}: counts the calls in the current session and returns the new count;</li>
 * <li>{@code sleep}: waits {@code ms} milliseconds, then returns {@code "slept"}.</li>
 * </ul>
 *
 * <p>Counters, the record of requests and the fault switches belong to the test harness, not to the
 * MCP server: they are thread-safe and survive {@link #forgetAllSessions()} and {@link #restart()}.
 *
 * <pre>{@code
 * try (TestMcpServer server = TestMcpServer.start()) {
 *     var client = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.baseUrl()).build()).build();
 *     client.callTool(CallToolRequest.builder("echo").arguments(Map.of("text", "hi")).build());
 *     server.respondWith(503, Map.of("Retry-After", "1"));
 * }
 * }</pre>
 */
public final class TestMcpServer implements AutoCloseable {

	/** Every thread the server starts has a name beginning with this, for {@link Leaks}. */
	public static final String THREAD_NAME_PREFIX = "mcp-test-server-";

	private static final String HOST = "127.0.0.1";

	private static final int RECORDED_REQUESTS = 10_000;

	/** Long enough that quiet SSE and listening streams are never cut in the middle of a test. */
	private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

	/** How soon, in milliseconds, the server notices that an SSE client went away; see {@link SseStreams}. */
	private static final long SSE_PROBE_MILLIS = 100;

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final TrafficLog traffic = new TrafficLog(RECORDED_REQUESTS);

	private final Faults faults = new Faults();

	private final AtomicReference<McpBackend> backend = new AtomicReference<>();

	/** Guarded by {@code this}; volatile so that the accessors never wait for a stop to finish. */
	private volatile Server jetty;

	private GracefulHandler requestsInFlight;

	private volatile int port;

	private final int maxThreads;

	private TestMcpServer(int port, int maxThreads) {
		this.port = port;
		this.maxThreads = maxThreads;
	}

	/**
	 * Starts a server on a free port.
	 * @return the running server
	 */
	public static TestMcpServer start() {
		return builder().start();
	}

	/**
	 * Returns a builder for a server with non-default settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the port the server listens on; it stays the same across {@link #restart()}.
	 * @return the port
	 */
	public int port() {
		return port;
	}

	/**
	 * Returns the base URL, for example {@code http://127.0.0.1:41234}.
	 * @return the base URL, without a trailing slash
	 */
	public String baseUrl() {
		return "http://" + HOST + ":" + port();
	}

	/**
	 * Returns the Streamable HTTP endpoint.
	 * @return {@link #baseUrl()} followed by {@code /mcp}
	 */
	public URI streamableUri() {
		return URI.create(baseUrl() + "/mcp");
	}

	/**
	 * Returns the base URI for the legacy SSE client transport, whose SSE endpoint is {@code /sse}
	 * (the client's default).
	 * @return {@link #baseUrl()} as a URI
	 */
	public URI sseUri() {
		return URI.create(baseUrl());
	}

	/**
	 * Tells whether the server is listening.
	 * @return {@code true} between a start and the next {@link #stop()}
	 */
	public boolean isRunning() {
		return jetty != null;
	}

	/**
	 * Stops the server: every session ends, held requests are released, and Jetty and all its
	 * threads stop. Does nothing if the server is not running.
	 */
	public synchronized void stop() {
		if (jetty == null) {
			return;
		}
		faults.serverStopping();
		backend.getAndSet(null).close();
		try {
			finishRequestsInFlight();
			jetty.stop();
		}
		catch (Exception e) {
			throw new IllegalStateException("could not stop the test MCP server", e);
		}
		finally {
			jetty = null;
			requestsInFlight = null;
		}
	}

	/**
	 * Starts the server again on the same port, as a real restart would: every session is lost, and
	 * clients must initialize again. Stops it first if it is running.
	 */
	public synchronized void restart() {
		stop();
		startJetty();
	}

	/** Stops the server; closing it again does nothing. */
	@Override
	public void close() {
		stop();
	}

	/**
	 * Counts the sessions the server holds on both transports.
	 * @return the sum of {@link #liveSessions(TransportKind)} over both transports
	 */
	public int liveSessions() {
		return liveSessions(TransportKind.STREAMABLE) + liveSessions(TransportKind.SSE);
	}

	/**
	 * Counts the sessions the server holds on one transport. A Streamable HTTP session counts from
	 * the initialize answer that created it until it is deleted, forgotten or the server stops; a
	 * legacy SSE session counts while its {@code GET /sse} stream is open; a client's closing of that
	 * stream is noticed within about {@value #SSE_PROBE_MILLIS} ms (see
	 * {@link #awaitLiveSessions(int, Duration)}).
	 * @param transport the transport
	 * @return the number of live sessions; 0 while the server is stopped
	 */
	public int liveSessions(TransportKind transport) {
		McpBackend current = backend.get();
		return current == null ? 0 : current.liveSessions(transport);
	}

	/**
	 * Waits until {@link #liveSessions()} reaches a number. Useful after closing SSE clients: the
	 * server notices a closed SSE stream within about {@value #SSE_PROBE_MILLIS} ms, not at once.
	 * @param expected the number of live sessions to wait for
	 * @param timeout how long to wait at most
	 * @throws AssertionError if the number is still different when the timeout ends
	 */
	public void awaitLiveSessions(int expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int live = liveSessions();
		while (live != expected) {
			if (System.nanoTime() - deadline >= 0) {
				throw new AssertionError("expected " + expected + " live sessions but there are still " + live
						+ " after " + timeout);
			}
			LockSupport.parkNanos(POLL_NANOS);
			live = liveSessions();
		}
	}

	/**
	 * Counts the {@code initialize} requests handed to the MCP server, on both transports. Requests
	 * that a fault switch answered, held until shutdown or dropped are not counted; see
	 * {@link #requests()} for those.
	 * @return the count since the server was built
	 */
	public long initializeCount() {
		return traffic.initializes();
	}

	/**
	 * Counts the HTTP DELETE requests (session ends) handed to the MCP server at {@code /mcp}.
	 * @return the count since the server was built
	 */
	public long deleteCount() {
		return traffic.deletes();
	}

	/**
	 * Counts the client {@code ping} requests handed to the MCP server, on both transports.
	 * @return the count since the server was built
	 */
	public long pingCount() {
		return traffic.pings();
	}

	/**
	 * Counts the {@code tools/call} requests handed to the MCP server, on both transports.
	 * @return the count since the server was built
	 */
	public long toolCallCount() {
		return traffic.toolCalls();
	}

	/**
	 * Returns the most recent requests (at most 10,000), oldest first, including those that a fault
	 * switch answered or dropped.
	 * @return an unmodifiable snapshot
	 */
	public List<RecordedRequest> requests() {
		return traffic.requests();
	}

	/** Empties the record of requests; the counters are left as they are. */
	public void clearRequests() {
		traffic.clearRequests();
	}

	/**
	 * Forgets every current session, as a server that lost its state would. Afterwards a request on
	 * {@code /mcp} that carries an earlier {@code Mcp-Session-Id} gets HTTP 404, earlier SSE streams
	 * are closed (and their {@code /message} posts get 404), and {@link #liveSessions()} no longer
	 * counts them. New sessions work as usual.
	 *
	 * <p>The SDK's Streamable HTTP client fails one call ("MCP session with server terminated") and
	 * initializes a new session on the next; its legacy SSE client never recovers and keeps getting
	 * 404, so it must be replaced.
	 */
	public synchronized void forgetAllSessions() {
		if (jetty == null) {
			return;
		}
		backend.getAndSet(new McpBackend()).close();
	}

	/**
	 * Answers every {@code initialize} request with an HTTP status and an empty body.
	 * @param status the HTTP status, for example 500
	 */
	public void failInitialize(int status) {
		faults.failInitialize(status);
	}

	/**
	 * Holds every {@code initialize} request without answering it until
	 * {@link #clearInitializeFault()} or until the server stops; either way it is then answered 503,
	 * because its client has given up by then. Stopping is never delayed by held requests.
	 */
	public void hangInitialize() {
		faults.hangInitialize();
	}

	/** Switches off {@link #failInitialize} and {@link #hangInitialize}, answering the held requests with 503. */
	public void clearInitializeFault() {
		faults.clearInitializeFault();
	}

	/**
	 * Answers every request, on every endpoint, with an HTTP status and an empty body.
	 * @param status the HTTP status, for example 503
	 */
	public void respondWith(int status) {
		respondWith(status, Map.of());
	}

	/**
	 * Answers every request, on every endpoint, with an HTTP status, headers and an empty body.
	 * @param status the HTTP status, for example 503
	 * @param headers response headers, for example {@code Map.of("Retry-After", "2")}
	 */
	public void respondWith(int status, Map<String, String> headers) {
		faults.respondWith(status, headers);
	}

	/**
	 * Answers the requests that match a condition with an HTTP status and an empty body. Conditions
	 * add up; the first that matches wins.
	 * @param condition tested on each request, for example
	 *        {@code r -> "Bearer bad".equals(r.header("authorization"))}
	 * @param status the HTTP status, for example 401
	 */
	public void rejectWhen(Predicate<RecordedRequest> condition, int status) {
		faults.rejectWhen(condition, status);
	}

	/**
	 * Holds the requests that match a condition for a while, then serves them as usual: a slow
	 * server or network. A held {@code initialize} still opens its session once it goes on, after a
	 * client that gave up has stopped waiting; a held {@code DELETE} keeps the client's close waiting.
	 * Delays add up as switches; the first that matches applies. Keep them short: a stop waits for
	 * held requests as for any request in flight, then interrupts them (they are answered 503).
	 * {@link #clearFaults()} switches delays off; requests already held finish their delay.
	 * @param condition tested on each request, for example {@code r -> r.method().equals("DELETE")}
	 * @param delay how long to hold each matching request
	 */
	public void delayWhen(Predicate<RecordedRequest> condition, Duration delay) {
		faults.delayWhen(condition, delay);
	}

	/**
	 * Closes the connection of the next {@code tools/call} request abruptly, without any response,
	 * before the MCP server sees it.
	 */
	public void dropNextToolCall() {
		faults.dropNextToolCall();
	}

	/**
	 * Closes the connection of every {@code tools/call} request abruptly, or stops doing so.
	 * @param drop {@code true} to drop them all
	 */
	public void dropConnectionsOnToolCall(boolean drop) {
		faults.dropEveryToolCall(drop);
	}

	/** Switches every fault off; held initialize requests are answered with 503. */
	public void clearFaults() {
		faults.clear();
	}

	@Override
	public String toString() {
		return "TestMcpServer[" + baseUrl() + (isRunning() ? "" : ", stopped") + "]";
	}

	private synchronized void startJetty() {
		QueuedThreadPool threads = new QueuedThreadPool(maxThreads);
		threads.setName(THREAD_NAME_PREFIX + "jetty");
		Server server = new Server(threads, new ScheduledExecutorScheduler(THREAD_NAME_PREFIX + "scheduler", false),
				null);
		ServerConnector connector = new ServerConnector(server);
		connector.setHost(HOST);
		connector.setPort(port);
		connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
		server.addConnector(connector);
		GracefulHandler graceful = new GracefulHandler(mcpEndpoints());
		server.setHandler(graceful);

		backend.set(new McpBackend());
		try {
			server.start();
		}
		catch (Exception e) {
			backend.getAndSet(null).close();
			try {
				server.stop();
			}
			catch (Exception suppressed) {
				e.addSuppressed(suppressed);
			}
			throw new IllegalStateException("could not start the test MCP server on port " + port, e);
		}
		faults.serverStarted();
		jetty = server;
		requestsInFlight = graceful;
		port = connector.getLocalPort();
		probeSseStreams(server.getScheduler());
	}

	private ServletContextHandler mcpEndpoints() {
		ServletContextHandler context = new ServletContextHandler("/");
		FilterHolder filter = new FilterHolder(new HarnessFilter(traffic, faults));
		// The SDK answers through AsyncContext, so everything on the way must allow async.
		filter.setAsyncSupported(true);
		context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
		ServletHolder streamable = new ServletHolder("streamable", new McpMount(TransportKind.STREAMABLE, backend::get));
		streamable.setAsyncSupported(true);
		context.addServlet(streamable, "/mcp");
		ServletHolder sse = new ServletHolder("sse", new McpMount(TransportKind.SSE, backend::get));
		sse.setAsyncSupported(true);
		context.addServlet(sse, "/sse");
		context.addServlet(sse, "/message");
		return context;
	}

	/**
	 * Lets the requests still being answered finish (the backend has ended the long-lived streams by
	 * now), because Jetty cutting a connection in the middle of a write logs internal errors.
	 */
	private void finishRequestsInFlight() throws InterruptedException, ExecutionException {
		try {
			requestsInFlight.shutdown().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException stragglers) {
			// Stop anyway: a test server must never hang its test.
		}
	}

	/** Probes the current backend's SSE streams now and then, for as long as Jetty's scheduler runs. */
	private void probeSseStreams(Scheduler scheduler) {
		try {
			McpBackend current = backend.get();
			if (current != null) {
				current.probeSseStreams();
			}
		}
		finally {
			if (scheduler.isRunning()) {
				try {
					scheduler.schedule(() -> probeSseStreams(scheduler), SSE_PROBE_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException stopping) {
					// Jetty is stopping, and so is the probing.
				}
			}
		}
	}

	/** Settings for a {@link TestMcpServer}. */
	public static final class Builder {

		private int port;

		private int maxThreads = 200;

		private Builder() {
		}

		/**
		 * Sets the port to listen on.
		 * @param port a port number, or 0 (the default) for a free port
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65_535) {
				throw new IllegalArgumentException("not a port: " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * Sets the most request threads the server uses (Jetty's default, 200, unless set). A tool call
		 * that sleeps holds one, so a test with more calls in flight at once needs more.
		 * @param maxThreads at least 8
		 * @return this builder
		 */
		public Builder maxThreads(int maxThreads) {
			if (maxThreads < 8) {
				throw new IllegalArgumentException("maxThreads must be at least 8, but was " + maxThreads);
			}
			this.maxThreads = maxThreads;
			return this;
		}

		/**
		 * Starts a server with these settings.
		 * @return the running server
		 */
		public TestMcpServer start() {
			TestMcpServer server = new TestMcpServer(port, maxThreads);
			server.startJetty();
			return server;
		}

	}

}
