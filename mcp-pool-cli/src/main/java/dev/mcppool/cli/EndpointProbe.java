package dev.mcppool.cli;

import dev.mcppool.McpTarget;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks on the legacy SSE transport that its SDK client cannot make: that client reports a refused connection, an
 * HTTP 401 or 404 and an HTML page alike, as a timeout after the whole creation timeout. So before using an SSE
 * server the command checks that something listens, and after a timeout it asks the endpoint once to tell why.
 */
final class EndpointProbe {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private EndpointProbe() {
    }

    /**
     * Fails at once when nothing listens on the target's host and port, instead of after the creation timeout.
     *
     * @throws CommandFailure naming the URL
     */
    static void requireListening(McpTarget target, Duration timeout) {
        URI uri = target.uri();
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        int millis = (int) Math.min(Integer.MAX_VALUE, shorter(timeout).toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), millis);
        } catch (UnknownHostException e) {
            throw new CommandFailure("cannot resolve the host of " + target.displayUrl(), e);
        } catch (ConnectException e) {
            throw new CommandFailure("nothing is listening at " + target.displayUrl() + " (connection refused)", e);
        } catch (SocketTimeoutException e) {
            throw new CommandFailure("could not connect to " + target.displayUrl() + " within "
                    + Diagnosis.seconds(shorter(timeout)), e);
        } catch (IOException e) {
            // Unresolvable host and the like: leave them to the real attempt, which reports them in its own way.
        }
    }

    /**
     * Asks an SSE endpoint that did not let a session open what it is: empty if it answers like an MCP SSE
     * endpoint (200 with {@code text/event-stream}), or if it cannot be asked.
     */
    static Optional<String> explainSse(McpTarget target, Duration timeout) {
        Duration limit = shorter(timeout);
        HttpClient client = HttpClient.newBuilder().connectTimeout(limit).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(target.uri()).timeout(limit)
                .header("Accept", "text/event-stream").GET();
        target.headers().forEach(request::header);
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // Only the status line and headers matter: an event stream stays open, so never read the body.
            response.body().close();
            return describe(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    target);
        } catch (HttpConnectTimeoutException e) {
            return Optional.of("could not connect to " + target.displayUrl() + " within " + Diagnosis.seconds(limit));
        } catch (ConnectException e) {
            return Optional.of("nothing is listening at " + target.displayUrl() + " (connection refused)");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<String> describe(int status, String contentType, McpTarget target) {
        if (status < 200 || status >= 300) {
            return Diagnosis.forStatus(status, target);
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            return Optional.empty();
        }
        return Optional.of(target.displayUrl() + " does not look like an MCP server: its SSE endpoint answered with "
                + (type.isEmpty() ? "no content type" : contentType.split(";")[0].strip())
                + ", not text/event-stream; legacy SSE endpoints usually end in /sse (use --transport streamable for"
                + " a /mcp endpoint)");
    }

    private static Duration shorter(Duration timeout) {
        return timeout.compareTo(PROBE_TIMEOUT) < 0 ? timeout : PROBE_TIMEOUT;
    }
}
