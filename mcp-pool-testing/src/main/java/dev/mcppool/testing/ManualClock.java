package dev.mcppool.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A nanosecond clock that moves only when a test tells it to, standing in for
 * {@link System#nanoTime()} in code under test. Thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.start();
 * LongSupplier ticker = clock::nanoTime;   // hand this to the code under test
 * long before = ticker.getAsLong();
 * clock.advance(Duration.ofMinutes(5));
 * assert ticker.getAsLong() - before == Duration.ofMinutes(5).toNanos();
 * }</pre>
 */
public final class ManualClock {

	/**
	 * Where every clock starts. Deliberately far from zero, so that code which treats {@code 0} as
	 * "never" or subtracts without care still shows its bugs.
	 */
	private static final long START_NANOS = 1_000_000_000_000L;

	private final AtomicLong nanos;

	private ManualClock(long startNanos) {
		this.nanos = new AtomicLong(startNanos);
	}

	/**
	 * Creates a clock at a fixed, non-zero time.
	 * @return a new clock
	 */
	public static ManualClock start() {
		return new ManualClock(START_NANOS);
	}

	/**
	 * Returns the current time, in the manner of {@link System#nanoTime()}: only differences between
	 * two readings mean anything.
	 * @return the current time in nanoseconds
	 */
	public long nanoTime() {
		return nanos.get();
	}

	/**
	 * Moves the clock forward.
	 * @param duration how far; zero is allowed
	 * @throws IllegalArgumentException if {@code duration} is negative, since a monotonic clock never
	 *         goes back
	 */
	public void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("a monotonic clock cannot go back: " + duration);
		}
		nanos.addAndGet(duration.toNanos());
	}

	@Override
	public String toString() {
		return "ManualClock[" + nanoTime() + " ns]";
	}

}
