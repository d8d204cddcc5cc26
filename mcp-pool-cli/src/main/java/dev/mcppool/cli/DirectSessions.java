package dev.mcppool.cli;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpTarget;
import dev.mcppool.Transport;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MCP sessions opened with the SDK alone, the way a caller without a pool does it: a new client with its own
 * transport (its own HTTP client, or for a stdio server its own server process), {@code initialize}, the call,
 * {@code closeGracefully}. The bench's baselines use it, so they measure the SDK rather than this library.
 * Thread-safe: holds immutable settings and a counter.
 *
 * <p>For a stdio server, closing also waits until the process (and any process it started) is gone, killing it
 * if {@code closeGracefully} left it running, so no server outlives its session, even when the session failed.
 */
final class DirectSessions {

    private static final McpSchema.Implementation CLIENT_INFO =
            McpSchema.Implementation.builder("mcp-pool-bench", McpPoolCommand.version()).build();

    /** How long a stdio server may take to exit after closeGracefully before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final McpTarget target;
    private final Duration timeout;
    private final AtomicLong processesStarted = new AtomicLong();

    DirectSessions(McpTarget target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    /** One call on a session of its own, opened and closed around it. */
    CallToolResult callOnce(CallerIdentity identity, CallToolRequest request) {
        try (Session session = open(identity)) {
            return session.call(request);
        }
    }

    /** Server processes started so far, for a stdio target; zero for an HTTP one. */
    long processesStarted() {
        return processesStarted.get();
    }

    /**
     * An initialized session for this caller; the caller closes it. For a stdio server, a failure to start it is
     * a {@link StdioSessionException} whose message names the command's file name only.
     */
    Session open(CallerIdentity identity) {
        if (target.transport() == Transport.STDIO) {
            return openStdio();
        }
        McpSyncClient client = client(transport(identity));
        try {
            client.initialize();
            return new Session(client, null);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private Session openStdio() {
        DirectStdioProcess process = new DirectStdioProcess(target.stdio().orElseThrow());
        McpSyncClient client = client(process);
        // A server that cannot start or exits fails the waiting request now, not at the end of --timeout.
        process.whenGone(client::close);
        try {
            client.initialize();
        } catch (RuntimeException e) {
            if (process.process().isPresent()) {
                processesStarted.incrementAndGet();
            }
            String message = process.startFailure(e, timeout);
            new Session(client, process).close();
            throw new StdioSessionException(message, e);
        }
        processesStarted.incrementAndGet();
        return new Session(client, process);
    }

    private McpSyncClient client(McpClientTransport transport) {
        return McpClient.sync(transport)
                .requestTimeout(timeout)
                .initializationTimeout(timeout)
                .clientInfo(CLIENT_INFO)
                .build();
    }

    /** A session opened by {@link #open}; {@link #close} closes it gracefully and, for stdio, waits for the process. */
    static final class Session implements AutoCloseable {

        private final McpSyncClient client;
        private final DirectStdioProcess stdio;

        Session(McpSyncClient client, DirectStdioProcess stdio) {
            this.client = client;
            this.stdio = stdio;
        }

        McpSyncClient client() {
            return client;
        }

        /**
         * Calls the tool. For a stdio server that exited during the call, the failure says so, with its status and
         * last stderr lines.
         */
        CallToolResult call(CallToolRequest request) {
            try {
                return client.callTool(request);
            } catch (RuntimeException e) {
                throw stdio == null ? e : stdio.callFailure(e);
            }
        }

        @Override
        public void close() {
            if (stdio != null) {
                stdio.whenGone(null);
                stdio.rememberDescendants();
            }
            boolean graceful;
            try {
                graceful = client.closeGracefully();
            } catch (RuntimeException e) {
                graceful = false;
            }
            if (!graceful) {
                client.close();
            }
            if (stdio != null && !stdio.awaitGone(STOP_GRACE)) {
                throw new StdioSessionException("the stdio server process "
                        + stdio.process().map(p -> "(pid " + p.pid() + ") ").orElse("") + "survived SIGKILL", null);
            }
        }
    }

    /**
     * A stdio session failed. The message is safe to print (the command's file name, no arguments or environment
     * values); the cause is the SDK's, whose messages are not (see {@link StdioDiagnosis#redactedCopy}).
     */
    static final class StdioSessionException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        StdioSessionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @SuppressWarnings("deprecation") // the SSE client transport is deprecated, and still what SSE servers need
    private McpClientTransport transport(CallerIdentity identity) {
        HttpRequest.Builder template = HttpRequest.newBuilder();
        target.headers().forEach(template::setHeader);
        identity.headers().forEach(template::setHeader);
        URI uri = target.uri();
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        return switch (target.transport()) {
            case STDIO -> throw new IllegalStateException("not an HTTP target");
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(base)
                    .endpoint(endpoint(uri, "/mcp"))
                    .requestBuilder(template)
                    .connectTimeout(timeout)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(base)
                    .sseEndpoint(endpoint(uri, "/sse"))
                    .requestBuilder(template)
                    .connectTimeout(timeout)
                    .build();
        };
    }

    /** Path and query of the URL, or the transport's usual path when the URL has none (as the pool does). */
    private static String endpoint(URI uri, String fallback) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            path = fallback;
        }
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
