package dev.mcppool.testing;

import static dev.mcppool.testing.Clients.call;
import static dev.mcppool.testing.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestMcpServerTest {

	/** Short, for clients that are expected to time out. */
	private static final Duration IMPATIENT = Duration.ofMillis(500);

	private TestMcpServer server;

	private Clients clients;

	@BeforeEach
	void startServer() {
		server = TestMcpServer.start();
		clients = new Clients(server);
	}

	@AfterEach
	void stopServer() {
		clients.close();
		server.close();
	}

	@Test
	void listensOnLoopbackAtTheDocumentedAddresses() {
		assertThat(server.isRunning()).isTrue();
		assertThat(server.port()).isPositive();
		assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
		assertThat(server.streamableUri()).isEqualTo(URI.create(server.baseUrl() + "/mcp"));
		assertThat(server.sseUri()).isEqualTo(URI.create(server.baseUrl()));
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void echoReturnsItsText(TransportKind kind) {
		McpSyncClient client = clients.open(kind);

		assertThat(text(client.callTool(call("echo", "text", "hello")))).isEqualTo("hello");
		assertThat(server.initializeCount()).isEqualTo(1);
		assertThat(server.toolCallCount()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void whoamiShowsTheSessionAndTheHeadersOfTheCallAndOfTheInitialize(TransportKind kind) {
		McpSyncClient client = clients.open(kind, Map.of("x-user-id", "alice"));

		WhoAmI first = WhoAmI.from(client.callTool(call("whoami")));
		WhoAmI second = WhoAmI.from(client.callTool(call("whoami")));

		assertThat(first.sessionId()).isNotBlank().isEqualTo(second.sessionId());
		assertThat(first.header("X-User-Id")).isEqualTo("alice");
		assertThat(first.initHeader("x-user-id")).isEqualTo("alice");
		assertThat(server.requests()).filteredOn(r -> r.isJsonRpc("tools/call"))
			.extracting(RecordedRequest::sessionId)
			.containsExactly(first.sessionId(), first.sessionId());
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void counterCountsPerSession(TransportKind kind) {
		McpSyncClient a = clients.open(kind);
		McpSyncClient b = clients.open(kind);

		assertThat(text(a.callTool(call("counter")))).isEqualTo("1");
		assertThat(text(a.callTool(call("counter")))).isEqualTo("2");
		assertThat(text(b.callTool(call("counter")))).isEqualTo("1");
		assertThat(text(a.callTool(call("counter")))).isEqualTo("3");
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void sleepAnswersAfterItsTimeOrOutlastsTheClientTimeout(TransportKind kind) {
		McpSyncClient patient = clients.open(kind);
		McpSyncClient impatient = clients.open(kind, Map.of(), IMPATIENT);
		impatient.initialize();

		assertThat(text(patient.callTool(call("sleep", "ms", 20)))).isEqualTo("slept");
		assertThatThrownBy(() -> impatient.callTool(call("sleep", "ms", 60_000)))
			.hasRootCauseInstanceOf(TimeoutException.class);
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void answersPingsAndDeclaresOnlyTools(TransportKind kind) {
		McpSyncClient client = clients.open(kind);

		client.ping();
		client.ping();

		assertThat(server.pingCount()).isEqualTo(2);
		assertThat(client.getServerCapabilities().tools()).isNotNull();
		assertThat(client.getServerCapabilities().prompts()).isNull();
		assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
			.containsExactlyInAnyOrder("echo", "whoami", "counter", "sleep");
		assertThatThrownBy(client::listPrompts).isInstanceOfSatisfying(McpError.class,
				e -> assertThat(e.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.METHOD_NOT_FOUND));
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void liveSessionsFollowOpenAndGracefulClose(TransportKind kind) {
		assertThat(server.liveSessions()).isZero();
		McpSyncClient client = clients.open(kind);

		client.initialize();
		assertThat(server.liveSessions()).isEqualTo(1);
		assertThat(server.liveSessions(kind)).isEqualTo(1);

		assertThat(client.closeGracefully()).isTrue();
		server.awaitLiveSessions(0, Duration.ofSeconds(2));
	}

	@Test
	void closingAStreamableSessionDeletesItAtOnce() {
		McpSyncClient client = clients.open(TransportKind.STREAMABLE);
		client.initialize();

		assertThat(client.closeGracefully()).isTrue();

		assertThat(server.deleteCount()).isEqualTo(1);
		assertThat(server.liveSessions()).isZero();
	}

	@Test
	void liveSessionsAddUpOverBothTransports() {
		clients.open(TransportKind.STREAMABLE).initialize();
		clients.open(TransportKind.SSE).initialize();
		clients.open(TransportKind.SSE).initialize();

		assertThat(server.liveSessions(TransportKind.STREAMABLE)).isEqualTo(1);
		assertThat(server.liveSessions(TransportKind.SSE)).isEqualTo(2);
		assertThat(server.liveSessions()).isEqualTo(3);
	}

	@Test
	void forgottenStreamableSessionFailsOneCallThenTheClientReinitializes() throws Exception {
		McpSyncClient client = clients.open(TransportKind.STREAMABLE);
		String before = WhoAmI.from(client.callTool(call("whoami"))).sessionId();

		server.forgetAllSessions();

		assertThat(server.liveSessions()).isZero();
		assertThat(postPing(before).statusCode()).isEqualTo(404);
		assertThatThrownBy(() -> client.callTool(call("echo", "text", "lost")))
			.hasMessageContaining("MCP session with server terminated");
		String after = WhoAmI.from(client.callTool(call("whoami"))).sessionId();
		assertThat(after).isNotEqualTo(before);
		assertThat(server.liveSessions()).isEqualTo(1);
		assertThat(server.initializeCount()).isEqualTo(2);
	}

	@Test
	void forgottenSseSessionsLoseTheirStreamsAndNewOnesWork() {
		McpSyncClient old = clients.open(TransportKind.SSE);
		old.initialize();
		assertThat(server.liveSessions(TransportKind.SSE)).isEqualTo(1);

		server.forgetAllSessions();

		assertThat(server.liveSessions()).isZero();
		assertThatThrownBy(() -> old.callTool(call("echo", "text", "lost"))).isInstanceOf(McpTransportException.class)
			.hasMessageContaining("404");
		assertThat(text(clients.open(TransportKind.SSE).callTool(call("echo", "text", "new")))).isEqualTo("new");
		assertThat(server.liveSessions(TransportKind.SSE)).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void failedInitializeThrowsUntilCleared(TransportKind kind) {
		server.failInitialize(500);

		assertThatThrownBy(clients.open(kind)::initialize).hasRootCauseInstanceOf(McpTransportException.class)
			.rootCause()
			.hasMessageContaining("500");
		assertThat(server.initializeCount()).isZero();
		assertThat(server.requests()).anyMatch(r -> r.isJsonRpc("initialize"));

		server.clearInitializeFault();
		assertThat(clients.open(kind).initialize()).isNotNull();
		assertThat(server.initializeCount()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void hungInitializeTimesOutUntilCleared(TransportKind kind) {
		server.hangInitialize();

		assertThatThrownBy(clients.open(kind, Map.of(), IMPATIENT)::initialize)
			.hasRootCauseInstanceOf(TimeoutException.class);

		server.clearInitializeFault();
		assertThat(clients.open(kind).initialize()).isNotNull();
	}

	@Test
	void hungInitializeDoesNotDelayStop() {
		server.hangInitialize();
		assertThatThrownBy(clients.open(TransportKind.STREAMABLE, Map.of(), IMPATIENT)::initialize)
			.hasRootCauseInstanceOf(TimeoutException.class);

		long start = System.nanoTime();
		server.close();

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void aDelayedInitializeStillOpensItsSessionAfterTheClientGaveUp() {
		server.delayWhen(r -> r.isJsonRpc("initialize"), Duration.ofSeconds(1));
		assertThatThrownBy(clients.open(TransportKind.STREAMABLE, Map.of(), IMPATIENT)::initialize)
			.hasRootCauseInstanceOf(TimeoutException.class);
		assertThat(server.liveSessions()).isZero();

		server.awaitLiveSessions(1, Duration.ofSeconds(5));
		server.clearFaults();
		assertThat(clients.open(TransportKind.STREAMABLE).initialize()).isNotNull();
	}

	@Test
	void aDelayedDeleteHoldsTheClosingClient() {
		McpSyncClient client = clients.open(TransportKind.STREAMABLE);
		client.initialize();
		server.delayWhen(r -> r.method().equals("DELETE"), Duration.ofMillis(300));

		long start = System.nanoTime();
		assertThat(client.closeGracefully()).isTrue();

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(server.liveSessions()).isZero();
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void respondWithAnswersEveryRequest(TransportKind kind) throws Exception {
		server.respondWith(503, Map.of("Retry-After", "7"));

		HttpResponse<String> response = get(server.baseUrl() + "/sse");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("retry-after")).hasValue("7");
		// The SDK's SSE client does not fail fast when its stream is refused; it waits for its timeout.
		assertThatThrownBy(clients.open(kind, Map.of(), IMPATIENT)::initialize).isInstanceOf(RuntimeException.class);

		server.clearFaults();
		assertThat(text(clients.open(kind).callTool(call("echo", "text", "back")))).isEqualTo("back");
	}

	@Test
	void respondWithReachesTheStreamableClientAsItsStatus() {
		server.respondWith(503);

		assertThatThrownBy(clients.open(TransportKind.STREAMABLE)::initialize)
			.hasRootCauseInstanceOf(McpTransportException.class)
			.rootCause()
			.hasMessageContaining("503");
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void rejectWhenAnswersOnlyMatchingRequests(TransportKind kind) {
		server.rejectWhen(r -> "Bearer bad".equals(r.header("authorization")), 401);

		assertThatThrownBy(clients.open(kind, Map.of("Authorization", "Bearer bad"), IMPATIENT)::initialize)
			.isInstanceOf(RuntimeException.class);
		McpSyncClient good = clients.open(kind, Map.of("Authorization", "Bearer good"));
		assertThat(text(good.callTool(call("echo", "text", "ok")))).isEqualTo("ok");
		assertThat(server.requests()).filteredOn(r -> "Bearer bad".equals(r.header("authorization"))).isNotEmpty();
	}

	@Test
	void rejectWhenReachesTheStreamableClientAsAnAuthorizationError() {
		server.rejectWhen(r -> "Bearer bad".equals(r.header("authorization")), 401);

		assertThatThrownBy(clients.open(TransportKind.STREAMABLE, Map.of("Authorization", "Bearer bad"))::initialize)
			.hasRootCauseInstanceOf(McpHttpClientTransportAuthorizationException.class);
	}

	@ParameterizedTest
	@EnumSource(TransportKind.class)
	void droppedToolCallFailsAndTheNextOneWorks(TransportKind kind) {
		McpSyncClient client = clients.open(kind);
		client.initialize();

		server.dropNextToolCall();

		assertThatThrownBy(() -> client.callTool(call("echo", "text", "dropped"))).rootCause()
			.isInstanceOf(IOException.class);
		assertThat(text(client.callTool(call("echo", "text", "kept")))).isEqualTo("kept");
		assertThat(server.toolCallCount()).isEqualTo(1);
	}

	@Test
	void droppingEveryToolCallLastsUntilSwitchedOff() {
		McpSyncClient client = clients.open(TransportKind.STREAMABLE);
		client.initialize();

		server.dropConnectionsOnToolCall(true);
		assertThatThrownBy(() -> client.callTool(call("echo", "text", "1"))).rootCause().isInstanceOf(IOException.class);
		assertThatThrownBy(() -> client.callTool(call("echo", "text", "2"))).rootCause().isInstanceOf(IOException.class);
		client.ping();

		server.dropConnectionsOnToolCall(false);
		assertThat(text(client.callTool(call("echo", "text", "3")))).isEqualTo("3");
	}

	@Test
	void restartKeepsThePortAndLosesEverySession() {
		McpSyncClient streamable = clients.open(TransportKind.STREAMABLE);
		McpSyncClient sse = clients.open(TransportKind.SSE);
		assertThat(text(streamable.callTool(call("counter")))).isEqualTo("1");
		sse.initialize();
		int port = server.port();

		server.stop();
		assertThat(server.isRunning()).isFalse();
		assertThat(server.liveSessions()).isZero();
		assertThatThrownBy(() -> streamable.callTool(call("counter"))).hasCauseInstanceOf(ConnectException.class);

		server.restart();
		assertThat(server.port()).isEqualTo(port);
		assertThatThrownBy(() -> streamable.callTool(call("counter")))
			.hasMessageContaining("MCP session with server terminated");
		assertThat(text(streamable.callTool(call("counter")))).isEqualTo("1");
		assertThatThrownBy(() -> sse.callTool(call("counter"))).hasMessageContaining("404");
		assertThat(text(clients.open(TransportKind.SSE).callTool(call("counter")))).isEqualTo("1");
	}

	@Test
	void recordsRequests() {
		McpSyncClient client = clients.open(TransportKind.STREAMABLE, Map.of("X-Trace", "t1"));
		client.callTool(call("echo", "text", "x"));

		assertThat(server.requests())
			.extracting(RecordedRequest::method, RecordedRequest::path, RecordedRequest::jsonRpcMethod)
			.contains(tuple("POST", "/mcp", "initialize"), tuple("POST", "/mcp", "notifications/initialized"),
					tuple("POST", "/mcp", "tools/call"));
		assertThat(server.requests()).allSatisfy(r -> assertThat(r.header("x-trace")).isEqualTo("t1"));

		server.clearRequests();
		assertThat(server.requests()).isEmpty();
		assertThat(server.toolCallCount()).isEqualTo(1);
	}

	@Test
	void closeStopsEveryThreadItStartedAndCanBeRepeated() {
		Set<String> before = nonDaemonThreads();
		try (TestMcpServer other = TestMcpServer.start(); Clients otherClients = new Clients(other)) {
			otherClients.open(TransportKind.STREAMABLE).callTool(call("sleep", "ms", 1));
			otherClients.open(TransportKind.SSE).callTool(call("sleep", "ms", 1));
			assertThat(Leaks.liveThreadNames(TestMcpServer.THREAD_NAME_PREFIX)).isNotEmpty();
		}
		server.close();
		server.close();

		Leaks.awaitNoThreads(TestMcpServer.THREAD_NAME_PREFIX, Duration.ofSeconds(5));
		assertThat(nonDaemonThreads()).isSubsetOf(before);
	}

	private static Set<String> nonDaemonThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(t -> t.isAlive() && !t.isDaemon())
			.map(Thread::getName)
			.collect(Collectors.toSet());
	}

	private HttpResponse<String> postPing(String sessionId) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(server.streamableUri())
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.header("Mcp-Session-Id", sessionId)
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
