package dev.mcppool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.BreakerState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Counting by distinct attempts, and the one probe of half-open, on the breaker alone. */
class CircuitBreakerTest {

    private static final long SECOND = 1_000_000_000L;

    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(1), Duration.ofSeconds(30),
            (from, to) -> { });

    @Test
    void creationsThatFailTogetherCountOnce() {
        List<CircuitBreaker.Permit> together = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            together.add(breaker.tryAcquire(0));
        }
        for (CircuitBreaker.Permit permit : together) {
            assertThat(breaker.onFailure(permit, 1, false)).isFalse();
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot(1).consecutiveFailures()).isEqualTo(1);
        // Attempts started after that failure count, one each, even at the same clock reading.
        assertThat(breaker.onFailure(breaker.tryAcquire(1), 1, false)).isFalse();
        assertThat(breaker.onFailure(breaker.tryAcquire(1), 1, false)).isTrue();
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void callerSpecificFailuresNeverCount() {
        for (int i = 0; i < 50; i++) {
            assertThat(breaker.onFailure(breaker.tryAcquire(i), i, true)).isFalse();
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.snapshot(0).consecutiveFailures()).isZero();
    }

    @Test
    void halfOpenAdmitsOneProbeWhateverCreationsStartedBeforeTheTripDo() {
        CircuitBreaker.Permit early1 = breaker.tryAcquire(0);
        CircuitBreaker.Permit early2 = breaker.tryAcquire(0);
        trip(0);
        long later = 2 * SECOND;
        CircuitBreaker.Permit probe = breaker.tryAcquire(later);
        assertThat(probe).isNotNull();
        assertThat(probe.isProbe()).isTrue();
        assertThat(breaker.tryAcquire(later)).isNull();
        // Creations from before the trip end: caller-specific, abandoned, server-side. The probe stays the only one.
        breaker.onFailure(early1, later, true);
        breaker.onAbandoned(early2);
        assertThat(breaker.tryAcquire(later)).isNull();
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        // The probe fails server-side: open again for about twice as long.
        assertThat(breaker.onFailure(probe, later, false)).isTrue();
        assertThat(breaker.snapshot(later).retryAfter().toMillis()).isBetween(1_800L, 2_200L);
        // A caller-specific probe failure lets the next creation probe, counting nothing.
        CircuitBreaker.Permit second = breaker.tryAcquire(later + 3 * SECOND);
        breaker.onFailure(second, later + 3 * SECOND, true);
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        CircuitBreaker.Permit third = breaker.tryAcquire(later + 3 * SECOND);
        assertThat(third).isNotNull();
        breaker.onSuccess(third);
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    }

    private void trip(long now) {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure(breaker.tryAcquire(now), now, false);
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    }
}
