package dev.mcppool.testing;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * The open {@code GET /sse} streams of one {@link McpBackend}.
 *
 * <p>A client that closes an SSE stream sends nothing the server reads: Jetty does not read from a
 * connection while its response is still being written, and the SDK only notices a dead client
 * when a write to it fails. So {@link #probe()} writes an SSE comment line, which clients ignore,
 * to every stream; once the connection is gone the write fails and the stream stops counting.
 * Completing the stream is left to the SDK, which owns it and completes it on its next failed
 * write or when it shuts down.
 */
final class SseStreams {

	/**
	 * A comment line with no blank line after it. The SDK writes each line of an event in one
	 * synchronized call, so this can fall between two lines of an event without ending it early.
	 */
	private static final String COMMENT = ":\n";

	private record Stream(AsyncContext context, PrintWriter writer) {
	}

	private final Set<Stream> open = ConcurrentHashMap.newKeySet();

	void opened(AsyncContext context, PrintWriter writer) {
		Stream stream = new Stream(context, writer);
		open.add(stream);
		context.addListener(new EndListener(() -> open.remove(stream)));
	}

	int count() {
		return open.size();
	}

	void probe() {
		for (Stream stream : open) {
			stream.writer().write(COMMENT);
			if (stream.writer().checkError()) {
				open.remove(stream);
			}
		}
	}

	/** Runs an action once when a stream ends, however it ends. */
	private static final class EndListener implements AsyncListener {

		private final AtomicBoolean ended = new AtomicBoolean();

		private final Runnable onEnd;

		EndListener(Runnable onEnd) {
			this.onEnd = onEnd;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			end();
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			end();
		}

		@Override
		public void onError(AsyncEvent event) {
			end();
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

		private void end() {
			if (ended.compareAndSet(false, true)) {
				onEnd.run();
			}
		}

	}

}
