package dev.mcppool.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The fault switches of a {@link TestMcpServer}. Thread-safe: tests flip switches while requests
 * are being served.
 */
final class Faults {

	/** An HTTP answer that replaces the MCP server's. */
	record Rejection(int status, Map<String, String> headers) {

		Rejection {
			headers = Map.copyOf(headers);
		}

	}

	private record Rule(Predicate<RecordedRequest> when, Rejection rejection) {
	}

	private record Delay(Predicate<RecordedRequest> when, Duration delay) {
	}

	private volatile Rejection everyRequest;

	private final List<Rule> rules = new CopyOnWriteArrayList<>();

	private final List<Delay> delays = new CopyOnWriteArrayList<>();

	private volatile Rejection initializeFailure;

	/**
	 * Guarded by {@code this}; {@code null} while initialize is not hung. Completed with {@code false}
	 * (answer 503) when the hang is cleared or the server stops: the clients that sent the held
	 * requests have given up long ago, and serving them would open sessions nobody will close.
	 */
	private CompletableFuture<Boolean> initializeHold;

	private final AtomicBoolean dropNextToolCall = new AtomicBoolean();

	private volatile boolean dropEveryToolCall;

	void respondWith(int status, Map<String, String> headers) {
		everyRequest = new Rejection(status, headers);
	}

	void rejectWhen(Predicate<RecordedRequest> when, int status) {
		rules.add(new Rule(when, new Rejection(status, Map.of())));
	}

	void delayWhen(Predicate<RecordedRequest> when, Duration delay) {
		if (delay.isNegative()) {
			throw new IllegalArgumentException("a delay cannot be negative: " + delay);
		}
		delays.add(new Delay(when, delay));
	}

	void failInitialize(int status) {
		initializeFailure = new Rejection(status, Map.of());
	}

	synchronized void hangInitialize() {
		if (initializeHold == null) {
			initializeHold = new CompletableFuture<>();
		}
	}

	synchronized void clearInitializeFault() {
		initializeFailure = null;
		if (initializeHold != null) {
			initializeHold.complete(false);
			initializeHold = null;
		}
	}

	void dropNextToolCall() {
		dropNextToolCall.set(true);
	}

	void dropEveryToolCall(boolean drop) {
		dropEveryToolCall = drop;
	}

	void clear() {
		everyRequest = null;
		rules.clear();
		delays.clear();
		clearInitializeFault();
		dropNextToolCall.set(false);
		dropEveryToolCall = false;
	}

	/**
	 * Lets every held initialize go, answered with 503, and answers later ones the same way until
	 * {@link #serverStarted()}, so that stopping the server never waits on them.
	 */
	synchronized void serverStopping() {
		if (initializeHold != null) {
			initializeHold.complete(false);
		}
	}

	/** Holds initialize requests again if the hang is still switched on. */
	synchronized void serverStarted() {
		if (initializeHold != null && initializeHold.isDone()) {
			initializeHold = new CompletableFuture<>();
		}
	}

	/** The answer that replaces the MCP server's for this request, if a switch says so. */
	Optional<Rejection> rejectionFor(RecordedRequest request) {
		Rejection all = everyRequest;
		if (all != null) {
			return Optional.of(all);
		}
		for (Rule rule : rules) {
			if (rule.when().test(request)) {
				return Optional.of(rule.rejection());
			}
		}
		Rejection initialize = initializeFailure;
		if (initialize != null && request.isJsonRpc("initialize")) {
			return Optional.of(initialize);
		}
		return Optional.empty();
	}

	/**
	 * Holds a request for the delay of the first delay switch that matches it, then lets it go on.
	 * @return {@code true} to go on serving it, {@code false} if the wait was interrupted (the server
	 *         is stopping)
	 */
	boolean awaitDelay(RecordedRequest request) {
		for (Delay delay : delays) {
			if (delay.when().test(request)) {
				try {
					Thread.sleep(delay.delay().toMillis());
					return true;
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Blocks an initialize request while the hang switch is on.
	 * @return {@code true} to go on serving it, {@code false} if the server is stopping
	 */
	boolean awaitInitializeRelease(RecordedRequest request) {
		if (!request.isJsonRpc("initialize")) {
			return true;
		}
		CompletableFuture<Boolean> hold;
		synchronized (this) {
			hold = initializeHold;
		}
		if (hold == null) {
			return true;
		}
		try {
			return hold.get();
		}
		catch (InterruptedException e) {
			// Jetty interrupts threads it cannot otherwise stop.
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException impossible) {
			throw new IllegalStateException(impossible);
		}
	}

	/** Tells whether the connection carrying this request must be dropped, using up a one-shot drop. */
	boolean shouldDrop(RecordedRequest request) {
		if (!request.isJsonRpc("tools/call")) {
			return false;
		}
		return dropEveryToolCall || dropNextToolCall.getAndSet(false);
	}

}
