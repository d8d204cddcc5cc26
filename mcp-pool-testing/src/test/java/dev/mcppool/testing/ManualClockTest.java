package dev.mcppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ManualClockTest {

	@Test
	void startsAtAFixedNonZeroTimeAndStandsStill() {
		ManualClock clock = ManualClock.start();

		assertThat(clock.nanoTime()).isNotZero().isEqualTo(ManualClock.start().nanoTime());
		assertThat(clock.nanoTime()).isEqualTo(clock.nanoTime());
	}

	@Test
	void movesOnlyWhenAdvanced() {
		ManualClock clock = ManualClock.start();
		long before = clock.nanoTime();

		clock.advance(Duration.ofSeconds(3));
		clock.advance(Duration.ZERO);

		assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofSeconds(3).toNanos());
	}

	@Test
	void refusesToGoBack() {
		ManualClock clock = ManualClock.start();

		assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void advancesFromManyThreadsWithoutLosingTime() {
		ManualClock clock = ManualClock.start();
		long before = clock.nanoTime();

		CompletableFuture.allOf(IntStream.range(0, 8)
			.mapToObj(i -> CompletableFuture.runAsync(() -> IntStream.range(0, 1_000)
				.forEach(j -> clock.advance(Duration.ofNanos(1)))))
			.toArray(CompletableFuture[]::new)).join();

		assertThat(clock.nanoTime() - before).isEqualTo(8_000);
	}

}
