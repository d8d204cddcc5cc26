package dev.mcppool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpTransportException;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

/**
 * The one classification of creation failures: caller-specific ones never count against the breaker. The message
 * forms are the SDK's (mcp-core 2.1.0), as the real test server provokes them.
 */
class FailuresTest {

    private static Throwable sdk(String message) {
        return new RuntimeException("Client failed to initialize by explicit API call", new McpTransportException(message));
    }

    @Test
    void everyHttp4xxBelongsToTheCaller() {
        assertThat(Failures.isCallerSpecific(sdk("Bad Request. Status code:400"))).isTrue();
        assertThat(Failures.isCallerSpecific(sdk("Received unexpected status code: 429"))).isTrue();
        assertThat(Failures.isCallerSpecific(sdk("Server Not Found. Status code:404"))).isTrue();
        assertThat(Failures.isCallerSpecific(sdk("Sending message failed with a non-OK HTTP code: 429 - "))).isTrue();
        assertThat(Failures.isCallerSpecific(sdk("Sending message failed with a non-OK HTTP code: 401 - "))).isTrue();
        assertThat(Failures.isCallerSpecific(sdk("Failed to connect to SSE stream: 401"))).isTrue();
        assertThat(Failures.isCallerSpecific(sdk("Failed to connect to SSE stream: 503"))).isFalse();
        assertThat(Failures.httpStatus(sdk("Received unexpected status code: 429"))).isEqualTo(429);
    }

    @Test
    void rejectedHeadersAndGivingUpBelongToTheCaller() {
        assertThat(Failures.isCallerSpecific(new RuntimeException("x",
                new IllegalArgumentException("invalid header value for header 'X-Token'")))).isTrue();
        assertThat(Failures.callerSide(new IllegalArgumentException("secret-value"))).doesNotContain("secret-value");
        assertThat(Failures.isCallerSpecific(new CancellationException())).isTrue();
        assertThat(Failures.isCallerSpecific(new RuntimeException(new InterruptedException()))).isTrue();
    }

    @Test
    void anUnwellServerCounts() {
        assertThat(Failures.isCallerSpecific(sdk("Received unexpected status code: 500"))).isFalse();
        assertThat(Failures.isCallerSpecific(sdk("Received unexpected status code: 503"))).isFalse();
        assertThat(Failures.isCallerSpecific(sdk("Sending message failed with a non-OK HTTP code: 503 - "))).isFalse();
        assertThat(Failures.isCallerSpecific(sdk("Unknown media type returned: text/html"))).isFalse();
        assertThat(Failures.isCallerSpecific(new RuntimeException(new ConnectException("Connection refused")))).isFalse();
        assertThat(Failures.isCallerSpecific(new RuntimeException(new IOException("Connection reset")))).isFalse();
        assertThat(Failures.isCallerSpecific(new RuntimeException(new ClosedChannelException()))).isFalse();
        assertThat(Failures.isCallerSpecific(new TimeoutException("initialize did not complete"))).isFalse();
    }
}
