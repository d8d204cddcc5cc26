package dev.mcppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class LeaksTest {

	@Test
	void findsLiveThreadsByPrefixAndWaitsForThemToEnd() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		Thread thread = new Thread(() -> awaitQuietly(release), "leaks-test-waiter");
		thread.start();

		assertThat(Leaks.liveThreadNames("leaks-test-")).containsExactly("leaks-test-waiter");
		assertThatThrownBy(() -> Leaks.awaitNoThreads("leaks-test-", Duration.ofMillis(50)))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("leaks-test-waiter");

		release.countDown();
		Leaks.awaitNoThreads("leaks-test-", Duration.ofSeconds(5));
		assertThat(Leaks.liveThreadNames("leaks-test-")).isEmpty();
		thread.join();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
