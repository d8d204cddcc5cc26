package dev.mcppool.testing;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Checks that code under test leaves no threads behind.
 *
 * <pre>{@code
 * server.close();
 * Leaks.awaitNoThreads(TestMcpServer.THREAD_NAME_PREFIX, Duration.ofSeconds(5));
 * }</pre>
 */
public final class Leaks {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private Leaks() {
	}

	/**
	 * Returns the names of the live threads whose name starts with a prefix.
	 * @param prefix the start of the thread names to look for
	 * @return the matching names, sorted; empty if there are none
	 */
	public static Set<String> liveThreadNames(String prefix) {
		Set<String> names = new TreeSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.isAlive() && thread.getName().startsWith(prefix)) {
				names.add(thread.getName());
			}
		}
		return names;
	}

	/**
	 * Waits until no live thread's name starts with a prefix. Threads often end a little after the
	 * {@code close()} that told them to, so a single look would be flaky.
	 * @param prefix the start of the thread names to look for
	 * @param timeout how long to wait at most
	 * @throws AssertionError naming the threads still alive when the timeout ends
	 */
	public static void awaitNoThreads(String prefix, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Set<String> alive = liveThreadNames(prefix);
		while (!alive.isEmpty()) {
			if (System.nanoTime() - deadline >= 0) {
				throw new AssertionError("threads named " + prefix + "* still alive after " + timeout + ": " + alive);
			}
			LockSupport.parkNanos(POLL_NANOS);
			alive = liveThreadNames(prefix);
		}
	}

}
