package dev.mcppool.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What reached a {@link TestMcpServer}: the most recent requests, and counters of the MCP traffic
 * that got past the fault switches to the MCP server.
 */
final class TrafficLog {

	private final int capacity;

	private final Deque<RecordedRequest> requests = new ArrayDeque<>();

	private final AtomicLong initializes = new AtomicLong();

	private final AtomicLong deletes = new AtomicLong();

	private final AtomicLong pings = new AtomicLong();

	private final AtomicLong toolCalls = new AtomicLong();

	TrafficLog(int capacity) {
		this.capacity = capacity;
	}

	synchronized void record(RecordedRequest request) {
		if (requests.size() == capacity) {
			requests.removeFirst();
		}
		requests.addLast(request);
	}

	synchronized List<RecordedRequest> requests() {
		return List.copyOf(requests);
	}

	synchronized void clearRequests() {
		requests.clear();
	}

	/** Counts a request that is about to be handed to the MCP server. */
	void countHandled(RecordedRequest request) {
		if ("DELETE".equals(request.method())) {
			deletes.incrementAndGet();
		}
		else if (request.isJsonRpc("initialize")) {
			initializes.incrementAndGet();
		}
		else if (request.isJsonRpc("ping")) {
			pings.incrementAndGet();
		}
		else if (request.isJsonRpc("tools/call")) {
			toolCalls.incrementAndGet();
		}
	}

	long initializes() {
		return initializes.get();
	}

	long deletes() {
		return deletes.get();
	}

	long pings() {
		return pings.get();
	}

	long toolCalls() {
		return toolCalls.get();
	}

}
