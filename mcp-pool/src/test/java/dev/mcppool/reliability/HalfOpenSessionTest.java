package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.SessionCreationException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A session the server opens after the pool gave up waiting for it must still be closed. */
class HalfOpenSessionTest extends ReliabilityFixture {

    @Test
    void aSlowInitializeThatOutlivesTheCreateTimeoutLeavesNoSessionOnTheServer() throws Exception {
        McpSessionPool pool = pool(realTimeConfig().createTimeout(Duration.ofMillis(300)).build());
        // The server answers initialize, but only after 800 ms: after the pool gave up at 300 ms.
        server.rejectWhen(r -> {
            if (r.isJsonRpc("initialize")) {
                sleep(800);
            }
            return false;
        }, 500);
        CallerIdentity alice = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));
        assertThatThrownBy(() -> pool.acquire(target(), alice)).isInstanceOf(SessionCreationException.class);
        server.clearFaults();
        sleep(1_500);
        System.out.println("live sessions on the server after a timed-out creation: " + server.liveSessions());
        assertThat(pool.stats().totalSessions()).isZero();
        assertThat(server.liveSessions()).as("sessions the server holds that the pool does not").isZero();
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
