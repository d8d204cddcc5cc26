package dev.mcppool.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Streamable HTTP sessions one {@link McpBackend} holds, and the per-session state of the test
 * tools on both transports.
 *
 * <p>The SDK keeps its session map private, so liveness is observed from outside: a Streamable
 * HTTP session lives from the initialize answer that names it until a DELETE of it succeeds. The
 * legacy SSE transport gives no end-of-session signal that names the session, so the state of SSE
 * sessions is kept until the backend itself is dropped (on forget or restart).
 */
final class SessionRegistry {

	private final Set<String> streamableSessions = ConcurrentHashMap.newKeySet();

	private final Map<String, Map<String, String>> initHeaders = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

	void streamableOpened(String sessionId, Map<String, String> initializeHeaders) {
		initHeaders.put(sessionId, initializeHeaders);
		streamableSessions.add(sessionId);
	}

	void streamableDeleted(String sessionId) {
		streamableSessions.remove(sessionId);
		initHeaders.remove(sessionId);
		counters.remove(sessionId);
	}

	void sseInitializing(String sessionId, Map<String, String> initializeHeaders) {
		initHeaders.put(sessionId, initializeHeaders);
	}

	int liveStreamable() {
		return streamableSessions.size();
	}

	Map<String, String> initHeaders(String sessionId) {
		return sessionId == null ? Map.of() : initHeaders.getOrDefault(sessionId, Map.of());
	}

	int incrementCounter(String sessionId) {
		return counters.computeIfAbsent(sessionId, id -> new AtomicInteger()).incrementAndGet();
	}

}
